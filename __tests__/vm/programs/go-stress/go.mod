module go-stress

go 1.19
