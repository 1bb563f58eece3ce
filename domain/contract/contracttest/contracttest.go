// Package contracttest reads the frozen event fixtures of the contract for tests in any package: every
// file domain/<context>/testdata/events/<type>.v<N>.json.
package contracttest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/es"
)

// Fixture is one frozen event file.
type Fixture struct {
	Path    string
	Context string // the directory under domain/ it sits in
	Type    string // from the file name
	Version int    // from the file name
	Raw     []byte
}

// Fixtures reads every fixture under domainDir (the path of domain/ from the test's package) and
// fails the test on a file name that is not "<type>.v<N>.json" or when there are none.
func Fixtures(t testing.TB, domainDir string) []Fixture {
	t.Helper()
	glob := filepath.Join(domainDir, "*", "testdata", "events", "*.json")
	paths, err := filepath.Glob(glob)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no fixtures match %s", glob)
	}
	var out []Fixture
	for _, p := range paths {
		typ, version, ok := contract.ParseSchemaName(filepath.Base(p))
		if !ok {
			t.Fatalf("%s: fixture names are <type>.v<N>.json, e.g. yard.ContainerStacked.v1.json", p)
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ctx := filepath.Base(filepath.Dir(filepath.Dir(filepath.Dir(p))))
		out = append(out, Fixture{Path: p, Context: ctx, Type: typ, Version: version, Raw: raw})
	}
	return out
}

// FieldNames returns the fields an error names, or fails the test when err is not an *es.FieldErrors.
func FieldNames(t testing.TB, err error) []string {
	t.Helper()
	var fe *es.FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not an *es.FieldErrors", err, err)
	}
	names := make([]string, len(fe.Fields))
	for i, f := range fe.Fields {
		names[i] = f.Field
	}
	return names
}
