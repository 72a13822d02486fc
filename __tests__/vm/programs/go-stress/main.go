// go-stress: an amd64 Go program of the shape that QEMU's address-space layout can break. A ring
// of goroutines passes tokens over channels; every hop makes short-lived garbage, so the collector
// runs again and again while the goroutines' stacks and a map kept across collections stay live.
// The output depends only on the arguments (never on scheduling), so a run under emulation can be
// compared with a native run byte for byte.
//
//	go-stress [goroutines] [tokens] [laps]      (defaults 2000 4 1: about ten collections)
//
// The defaults are sized for the emulated arm64 machine of the VM suite (nested emulation: a
// second natively is minutes there). Go on amd64 packs pointers into 64-bit words assuming user
// addresses below 2^47 (runtime/lfstack); an interpreter that hands the program memory above that
// makes the runtime abort (`fatal error: lfstack.push`) instead of printing the digest.
package main

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
)

type token struct {
	id    int
	hops  int
	value [32]byte
}

// kept is the map that lives across collections: every hop whose (token, goroutine) pair falls
// on the grid stores a small value, so it grows while the garbage around it is collected.
var (
	kept   = map[string][]byte{}
	keptMu sync.Mutex
)

func intArg(i, fallback int) int {
	if len(os.Args) <= i {
		return fallback
	}
	n, err := strconv.Atoi(os.Args[i])
	if err != nil || n <= 0 {
		fmt.Fprintf(os.Stderr, "go-stress: argument %d: not a positive number: %q\n", i, os.Args[i])
		os.Exit(2)
	}
	return n
}

// hop is one goroutine's work on a token: garbage of a size that depends on the value, folded
// into the token's next value.
func hop(station int, t *token) {
	size := 1024 + int(binary.LittleEndian.Uint16(t.value[:2]))%3072
	garbage := make([]byte, size)
	for i := 0; i < size; i += 512 {
		garbage[i] = t.value[i/512] ^ byte(station)
	}
	words := make([]string, 0, 4)
	for i := 0; i < 4; i++ {
		words = append(words, strconv.Itoa(station*int(t.value[i])+int(garbage[i*512%size])))
	}
	h := sha256.New()
	h.Write(t.value[:])
	h.Write(garbage[size-16:])
	for _, w := range words {
		h.Write([]byte(w))
	}
	copy(t.value[:], h.Sum(nil))
	t.hops++
	if (t.id+station)%97 == 0 {
		keptMu.Lock()
		kept[fmt.Sprintf("%d/%d/%d", t.id, station, t.hops)] = append([]byte(nil), t.value[:8]...)
		keptMu.Unlock()
	}
}

func main() {
	goroutines := intArg(1, 2000)
	tokens := intArg(2, 4)
	laps := intArg(3, 1)
	if tokens > goroutines {
		tokens = goroutines
	}

	// station i reads from ring[i] and writes to ring[(i+1)%n]; a token leaves the ring at the
	// station where it entered, after `laps` full turns
	ring := make([]chan *token, goroutines)
	for i := range ring {
		ring[i] = make(chan *token, 1)
	}
	done := make(chan *token, tokens)
	var wg sync.WaitGroup
	for i := 0; i < goroutines; i++ {
		wg.Add(1)
		go func(station int) {
			defer wg.Done()
			next := ring[(station+1)%goroutines]
			for t := range ring[station] {
				hop(station, t)
				if t.hops == laps*goroutines {
					done <- t
				} else {
					next <- t
				}
			}
		}(i)
	}
	// tokens enter at evenly spaced stations, from their own goroutines (a full ring must not block the feeder)
	for id := 0; id < tokens; id++ {
		t := &token{id: id}
		t.value = sha256.Sum256([]byte("token " + strconv.Itoa(id)))
		go func(t *token, at int) { ring[at] <- t }(t, id*goroutines/tokens)
	}
	results := make([]*token, tokens)
	for i := 0; i < tokens; i++ {
		t := <-done
		results[t.id] = t
	}
	for _, c := range ring {
		close(c)
	}
	wg.Wait()

	final := sha256.New()
	for _, t := range results {
		final.Write(t.value[:])
	}
	keys := make([]string, 0, len(kept))
	for k := range kept {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		final.Write([]byte(k))
		final.Write(kept[k])
	}
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	fmt.Printf("goroutines=%d tokens=%d laps=%d hops=%d\n", goroutines, tokens, laps, tokens*laps*goroutines)
	fmt.Printf("kept=%d first=%x last=%x\n", len(kept), results[0].value[:8], results[tokens-1].value[:8])
	fmt.Printf("sha256=%x\n", final.Sum(nil))
	// how much went through the collector: kept out of the compared output (the runtime's own
	// allocations vary from run to run), printed to stderr for the log
	fmt.Fprintf(os.Stderr, "go-stress: %d MiB allocated, %d collections\n", stats.TotalAlloc>>20, stats.NumGC)
}
