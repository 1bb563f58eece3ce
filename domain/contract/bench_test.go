package contract_test

import (
	"testing"
	"time"

	"github.com/yardtwin/yardtwin/domain/contract"
)

// BenchmarkParseCheck is the contract's cost per event on the ingest path: one ContainerStacked of
// about 200 bytes, parsed and checked against the Tanger Med layout with a time window.
func BenchmarkParseCheck(b *testing.B) {
	layout := tangerMedB(b)
	checker := contract.NewChecker(contract.NewRegistry(), layout).WithTimeWindow(func() time.Time { return testNow }, 24*time.Hour)
	raw := []byte(stacked(stackedData + `,"truck":"IT-117"`))
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		env, err := contract.Parse(raw)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := checker.Check(&env); err != nil {
			b.Fatal(err)
		}
	}
}
