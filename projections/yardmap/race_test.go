//go:build race

package yardmap

// raceEnabled is true when the tests run under the race detector, which makes the simulator about
// six times slower.
const raceEnabled = true
