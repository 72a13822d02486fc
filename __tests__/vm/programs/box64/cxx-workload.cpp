// A C++ workload for the box64 measurement (scripts/arm64-vm/measure-box64.mjs): strings made from a
// fixed seed, std::sort, std::map and std::unordered_map counts, std::string building and
// std::ostringstream formatting, all through libstdc++. Built with g++ -O2 on the x86_64 host,
// dynamically linked; the output depends only on the argument (the number of strings).
//
//   cxx-workload [count]      (default 60000)
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

static uint32_t state = 0x9e3779b9u;

static uint32_t next() {
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

static uint64_t fnv(uint64_t hash, const std::string &text) {
  for (unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ull;
  return hash;
}

int main(int argc, char **argv) {
  const size_t count = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 60000;
  std::vector<std::string> words;
  words.reserve(count);
  for (size_t i = 0; i < count; i++) {
    std::string word;
    const size_t length = 4 + next() % 12;
    for (size_t j = 0; j < length; j++) word += static_cast<char>('a' + next() % 26);
    words.push_back(std::move(word));
  }

  std::vector<std::string> sorted = words;
  std::sort(sorted.begin(), sorted.end());
  uint64_t sortedHash = 0xcbf29ce484222325ull;
  for (const auto &w : sorted) sortedHash = fnv(sortedHash, w);

  // prefixes of three letters: an ordered and a hashed count of the same keys
  std::map<std::string, unsigned> ordered;
  std::unordered_map<std::string, unsigned> hashed;
  for (const auto &w : words) {
    ordered[w.substr(0, 3)]++;
    hashed[w.substr(0, 3)] += static_cast<unsigned>(w.size());
  }
  uint64_t mapHash = 0xcbf29ce484222325ull;
  for (const auto &[key, n] : ordered) {
    std::ostringstream line;
    line << key << '=' << n << ':' << hashed[key];
    mapHash = fnv(mapHash, line.str());
  }

  std::stable_sort(words.begin(), words.end(), [](const std::string &a, const std::string &b) { return a.size() < b.size(); });
  std::string joined;
  for (size_t i = 0; i < words.size(); i += 97) joined += words[i] + ',';

  std::cout << "words " << count << " first " << sorted.front() << " last " << sorted.back() << '\n';
  std::cout << "sorted " << std::hex << sortedHash << '\n';
  std::cout << "prefixes " << std::dec << ordered.size() << " map " << std::hex << mapHash << '\n';
  std::cout << "stable " << std::dec << joined.size() << ' ' << std::hex << fnv(0xcbf29ce484222325ull, joined) << '\n';
  return 0;
}
