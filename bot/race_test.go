//go:build race

package bot

// raceEnabled: the race detector slows the bot several times over, so the
// load test sends less under it.
const raceEnabled = true
