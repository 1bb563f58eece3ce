// Package checkpoint keeps projection snapshots as files in a directory, one per projection, each
// replaced atomically (write, fsync, rename, fsync the directory) so a crash leaves the old or the new.
package checkpoint

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
)

// Dir stores snapshots in a directory.
type Dir struct {
	path string
}

// Open returns the snapshot directory at path, creating it.
func Open(path string) (*Dir, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("checkpoint dir %s: %w", path, err)
	}
	return &Dir{path: path}, nil
}

// header: magic "YTCP", format version 1, position, CRC-32 (Castagnoli) of the state.
const headerLen = 4 + 1 + 8 + 4

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func (d *Dir) file(name string) string { return filepath.Join(d.path, name+".snap") }

// Save writes the snapshot of projection name at position.
func (d *Dir) Save(name string, position uint64, state []byte) error {
	buf := make([]byte, headerLen, headerLen+len(state))
	copy(buf, "YTCP")
	buf[4] = 1
	binary.BigEndian.PutUint64(buf[5:], position)
	binary.BigEndian.PutUint32(buf[13:], crc32.Checksum(state, castagnoli))
	buf = append(buf, state...)

	tmp := d.file(name) + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("save %s: %w", name, err)
	}
	_, werr := f.Write(buf)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return fmt.Errorf("save %s: %w", name, err)
	}
	if err := os.Rename(tmp, d.file(name)); err != nil {
		return fmt.Errorf("save %s: %w", name, err)
	}
	return syncDir(d.path)
}

// Load reads the snapshot of projection name; ok is false when there is none.
func (d *Dir) Load(name string) (uint64, []byte, bool, error) {
	buf, err := os.ReadFile(d.file(name))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil, false, nil
	}
	if err != nil {
		return 0, nil, false, fmt.Errorf("load %s: %w", name, err)
	}
	if len(buf) < headerLen || string(buf[:4]) != "YTCP" || buf[4] != 1 {
		return 0, nil, false, fmt.Errorf("load %s: not a yardtwin checkpoint (format 1)", name)
	}
	state := buf[headerLen:]
	if crc32.Checksum(state, castagnoli) != binary.BigEndian.Uint32(buf[13:]) {
		return 0, nil, false, fmt.Errorf("load %s: checksum mismatch", name)
	}
	return binary.BigEndian.Uint64(buf[5:]), state, true, nil
}

func syncDir(path string) error {
	d, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}
