package checkpoint

import (
	"bytes"
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

func TestCorruptSnapshotIsAnError(t *testing.T) {
	dir := t.TempDir()
	d, _ := Open(dir)
	if err := d.Save("p.v1", 7, []byte("state")); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, "p.v1.snap")
	data, _ := os.ReadFile(f)
	data[len(data)-1] ^= 0xff
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := d.Load("p.v1"); err == nil {
		t.Fatal("a flipped byte was not noticed")
	}
}
