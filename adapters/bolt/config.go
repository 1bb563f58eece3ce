package bolt

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/yardtwin/yardtwin/domain/es"
)

// DefaultDir is where the store keeps its file when Config.Dir is empty, relative to the working
// directory.
const DefaultDir = "./data"

// FileName is the name of the store's file inside its directory.
const FileName = "events.db"

// Config says where the embedded store keeps its events. It is filled from the environment in cmd.
type Config struct {
	// Dir is the data directory; the store keeps one file, Dir/events.db, and creates Dir if needed.
	// Empty means DefaultDir.
	Dir string
	// Retention is the retention policy for telemetry (see es.ParseRetention and the package doc,
	// Retention); empty keeps every event for ever.
	Retention es.Retention
	// ScavengeEvery is how often the background scavenge applies Retention; 0 means
	// DefaultScavengeEvery.
	ScavengeEvery time.Duration
	// HeadCache is how many stream versions the writer keeps in memory (see WithHeadCache); 0
	// means DefaultHeadCache.
	HeadCache int
}

// withDefaults returns c with empty fields set to their defaults.
func (c Config) withDefaults() Config {
	if c.Dir == "" {
		c.Dir = DefaultDir
	}
	if c.HeadCache <= 0 {
		c.HeadCache = DefaultHeadCache
	}
	if c.ScavengeEvery <= 0 {
		c.ScavengeEvery = DefaultScavengeEvery
	}
	return c
}

// Validate reports a config the store cannot use. An empty Dir is valid: it means DefaultDir.
func (c Config) Validate() error {
	c = c.withDefaults()
	if strings.TrimSpace(c.Dir) != c.Dir {
		return errors.New("bolt: config: dir has leading or trailing spaces")
	}
	if strings.ContainsRune(c.Dir, 0) {
		return errors.New("bolt: config: dir contains a NUL byte")
	}
	if filepath.Base(filepath.Clean(c.Dir)) == FileName {
		return errors.New("bolt: config: dir names the store file itself; give its directory")
	}
	if err := c.Retention.Validate(); err != nil {
		return fmt.Errorf("bolt: config: %w", err)
	}
	return nil
}
