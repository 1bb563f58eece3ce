// Package httpapitest helps tests read what the HTTP API serves.
package httpapitest

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Samples reads the Prometheus text format into value by sample name with its labels, e.g.
// `yardtwin_events_stored_total` or `yardtwin_http_request_duration_seconds_count{code="2xx",route="GET /healthz"}`.
func Samples(r io.Reader) (map[string]float64, error) {
	samples := map[string]float64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			return nil, fmt.Errorf("sample %q: %w", line, err)
		}
		samples[line[:i]] = v
	}
	return samples, sc.Err()
}
