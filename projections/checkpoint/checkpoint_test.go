package checkpoint

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
)

func TestSaveLoad(t *testing.T) {
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok, err := d.Load("yardmap.v1"); ok || err != nil {
		t.Fatalf("empty dir: ok %v err %v", ok, err)
	}
	if err := d.Save("yardmap.v1", 42, []byte(`{"boxes":[]}`)); err != nil {
		t.Fatal(err)
	}
	if err := d.Save("yardmap.v1", 43, []byte(`{"boxes":[1]}`)); err != nil {
		t.Fatal(err)
	}
	pos, state, ok, err := d.Load("yardmap.v1")
	if err != nil || !ok || pos != 43 || !bytes.Equal(state, []byte(`{"boxes":[1]}`)) {
		t.Fatalf("load = %d %q %v %v", pos, state, ok, err)
	}
}

// formatOne is a file as format 1 wrote it: magic, format, position, CRC-32C of the state, state.
func formatOne(pos uint64, state []byte) []byte {
	buf := append([]byte("YTCP"), 1)
	buf = binary.BigEndian.AppendUint64(buf, pos)
	buf = binary.BigEndian.AppendUint32(buf, crc32.Checksum(state, castagnoli))
	return append(buf, state...)
}

// TestUntrustedFilesAreErrors damages a saved file in each way a disk, a crash or an upgrade can,
// and expects Load to refuse it with ErrUntrusted rather than hand back a state.
func TestUntrustedFilesAreErrors(t *testing.T) {
	tests := []struct {
		name   string
		damage func(data []byte) []byte
	}{
		{name: "last byte flipped", damage: func(d []byte) []byte { d[len(d)-1] ^= 0xff; return d }},
		{name: "state byte flipped", damage: func(d []byte) []byte { d[len(d)-8] ^= 0x01; return d }},
		{name: "position byte flipped", damage: func(d []byte) []byte { d[4+2+len("p.v1")+7] ^= 0x01; return d }},
		{name: "cut short", damage: func(d []byte) []byte { return d[:len(d)-3] }},
		{name: "cut in the header", damage: func(d []byte) []byte { return d[:9] }},
		{name: "empty", damage: func([]byte) []byte { return nil }},
		{name: "format 1", damage: func([]byte) []byte { return formatOne(7, []byte("some state")) }},
		{name: "another projection's", damage: func(d []byte) []byte { return bytes.Replace(d, []byte("p.v1"), []byte("p.v0"), 1) }},
		{name: "not a checkpoint", damage: func([]byte) []byte { return []byte("{}\n") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			d, _ := Open(dir)
			if err := d.Save("p.v1", 7, []byte("some state")); err != nil {
				t.Fatal(err)
			}
			f := filepath.Join(dir, "p.v1.snap")
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f, tt.damage(data), 0o644); err != nil {
				t.Fatal(err)
			}
			pos, state, ok, err := d.Load("p.v1")
			if !errors.Is(err, ErrUntrusted) || ok || state != nil {
				t.Fatalf("load = %d %q %v %v, want ErrUntrusted", pos, state, ok, err)
			}
		})
	}
}
