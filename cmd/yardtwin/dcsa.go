package main

import (
	"github.com/yardtwin/yardtwin/adapters/dcsa"
	"github.com/yardtwin/yardtwin/adapters/httpapi"
	"github.com/yardtwin/yardtwin/adapters/ingest"
	"github.com/yardtwin/yardtwin/domain/es"
)

// dcsaDialect lets the ingest read DCSA Track & Trace events (HTTP endpoint, or the Kafka header
// yardtwin_dialect: dcsa-tnt-v3).
type dcsaDialect struct{ mapper dcsa.Mapper }

// Translate implements ingest.Dialect.
func (d dcsaDialect) Translate(raw []byte) ([]es.Envelope, string, string, error) {
	m, err := d.mapper.Map(raw)
	return m.Events, m.EventID, m.Unmapped, err
}

// speakDCSA teaches the ingest DCSA, keeping to events at the terminal's own port when the layout
// names it (a carrier's feed reports a box's whole journey).
func speakDCSA(h *ingest.Handler, t terminal) {
	var m dcsa.Mapper
	if t.Layout.LOCODE != "" {
		m.Locations = []string{t.Layout.LOCODE}
	}
	h.Speak(httpapi.DialectDCSA, dcsaDialect{mapper: m})
}
