package contract_test

import (
	"testing"

	"github.com/yardtwin/yardtwin/domain/contract"
	"github.com/yardtwin/yardtwin/domain/contract/contracttest"
)

// TestDeadLettersCannotBeSent: integrators may not forge the twin's own dead letters.
func TestDeadLettersCannotBeSent(t *testing.T) {
	checker := contract.NewChecker(contract.NewRegistry(), nil)
	for _, fx := range contracttest.Fixtures(t, "..") {
		if fx.Type != "intake.MessageRefused" {
			continue
		}
		env, err := contract.Parse(fx.Raw)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := checker.Check(&env); err == nil || contracttest.FieldNames(t, err)[0] != "type" {
			t.Fatalf("a dead letter sent from outside was accepted: %v", err)
		}
		if _, err := checker.Own().Check(&env); err != nil {
			t.Fatalf("the twin's own dead letter was refused: %v", err)
		}
		return
	}
	t.Fatal("no intake.MessageRefused fixture")
}
