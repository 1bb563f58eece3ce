// Package checkpoint keeps projection snapshots as files in a directory, one per projection, each
// replaced atomically (write, fsync, rename, fsync the directory) so a crash leaves the old or the new.
//
// A file is trusted only when everything about it checks out; anything else is an error, on which
// the runner ignores the file and folds that projection again from the log. The format (frozen: a
// new layout gets a new format number, and files of other formats are not read):
//
//	"YTCP" format(1)=2 name-length(1) name position(8) state-length(8) state CRC-32C(4)
//
// Integers are big-endian. The name is the projection's versioned name ("yardmap.v2"): a file
// copied or renamed onto another projection, or left by an older version of it, does not load. The
// CRC (Castagnoli) covers every byte before it, so a flipped bit anywhere, in the position too, and a
// file cut short are both caught. Format 1 (no name, no length, a CRC of the state alone) is no
// longer read: such a file is reported and the projection rebuilt.
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

const (
	magic  = "YTCP"
	format = 2
)

// ErrUntrusted is wrapped by Load's error when a file exists but cannot be trusted: another format,
// another projection, cut short, or a checksum that does not match.
var ErrUntrusted = errors.New("checkpoint: untrusted file")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func (d *Dir) file(name string) string { return filepath.Join(d.path, name+".snap") }

// Save writes the snapshot of projection name at position. name is at most 255 bytes.
func (d *Dir) Save(name string, position uint64, state []byte) error {
	if len(name) > 255 {
		return fmt.Errorf("save %s: name longer than 255 bytes", name)
	}
	buf := make([]byte, 0, len(magic)+2+len(name)+16+len(state)+4)
	buf = append(buf, magic...)
	buf = append(buf, format, byte(len(name)))
	buf = append(buf, name...)
	buf = binary.BigEndian.AppendUint64(buf, position)
	buf = binary.BigEndian.AppendUint64(buf, uint64(len(state)))
	buf = append(buf, state...)
	buf = binary.BigEndian.AppendUint32(buf, crc32.Checksum(buf, castagnoli))

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

// Load reads the snapshot of projection name; ok is false when there is none. A file that is there
// but not to be trusted is an error wrapping ErrUntrusted that says why.
func (d *Dir) Load(name string) (uint64, []byte, bool, error) {
	buf, err := os.ReadFile(d.file(name))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil, false, nil
	}
	if err != nil {
		return 0, nil, false, fmt.Errorf("load %s: %w", name, err)
	}
	pos, state, err := decode(buf, name)
	if err != nil {
		return 0, nil, false, fmt.Errorf("load %s: %w", name, err)
	}
	return pos, state, true, nil
}

// decode checks buf, a whole file, against the format and name and returns what it holds.
func decode(buf []byte, name string) (uint64, []byte, error) {
	untrusted := func(why string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrUntrusted, fmt.Sprintf(why, args...))
	}
	if len(buf) < len(magic)+2 || string(buf[:len(magic)]) != magic {
		return 0, nil, untrusted("not a yardtwin checkpoint")
	}
	if f := buf[len(magic)]; f != format {
		return 0, nil, untrusted("format %d, this build reads %d", f, format)
	}
	rest := buf[len(magic)+1:]
	n := int(rest[0])
	if len(rest) < 1+n+16+4 {
		return 0, nil, untrusted("cut short at %d bytes", len(buf))
	}
	if got := string(rest[1 : 1+n]); got != name {
		return 0, nil, untrusted("holds projection %q", got)
	}
	rest = rest[1+n:]
	pos, size := binary.BigEndian.Uint64(rest), binary.BigEndian.Uint64(rest[8:])
	rest = rest[16:]
	if size != uint64(len(rest)-4) {
		return 0, nil, untrusted("state of %d bytes, the file holds %d", size, len(rest)-4)
	}
	body := buf[:len(buf)-4]
	if crc32.Checksum(body, castagnoli) != binary.BigEndian.Uint32(buf[len(buf)-4:]) {
		return 0, nil, untrusted("checksum mismatch")
	}
	return pos, rest[:size], nil
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
