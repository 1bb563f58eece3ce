package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// getBlock answers a block's bay × row × tier view.
func (s *Server) getBlock(w http.ResponseWriter, r *http.Request) {
	y, ok := s.yardFor(w, r)
	if !ok {
		return
	}
	v, ok := y.Block(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, "block %q is not in the terminal's layout", r.PathValue("id"))
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// maxNear bounds the boxes one spatial query answers.
const maxNear = 5000

// getContainersNear answers the boxes within radius metres of a WGS84 point, nearest first:
// ?near=lon,lat&radius=50&limit=100.
func (s *Server) getContainersNear(w http.ResponseWriter, r *http.Request) {
	y, ok := s.yardFor(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	if q.Get("near") == "" {
		writeError(w, http.StatusBadRequest, "near: give a point as near=lon,lat (and radius= in metres); GET /api/v1/containers/{id} finds one box")
		return
	}
	p, err := parsePoint(q.Get("near"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "near: %v", err)
		return
	}
	radius, err := number(q.Get("radius"), 50, 0, 5000)
	if err != nil {
		writeError(w, http.StatusBadRequest, "radius: %v", err)
		return
	}
	limit, err := number(q.Get("limit"), 100, 1, maxNear)
	if err != nil {
		writeError(w, http.StatusBadRequest, "limit: %v", err)
		return
	}
	local := y.Layout().ToLocal(p)
	boxes := y.Near(local, radius, int(limit))
	writeJSON(w, http.StatusOK, map[string]any{"containers": boxes, "count": len(boxes)})
}

// parsePoint reads "lon,lat" in WGS84 degrees.
func parsePoint(v string) (orb.Point, error) {
	lonS, latS, ok := strings.Cut(v, ",")
	if !ok {
		return orb.Point{}, fmt.Errorf("%q is not lon,lat", v)
	}
	lon, err1 := strconv.ParseFloat(strings.TrimSpace(lonS), 64)
	lat, err2 := strconv.ParseFloat(strings.TrimSpace(latS), 64)
	if err1 != nil || err2 != nil || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return orb.Point{}, fmt.Errorf("%q is not lon,lat in degrees", v)
	}
	return orb.Point{lon, lat}, nil
}

// number reads an optional number within lo..hi, def when empty.
func number(v string, def, lo, hi float64) (float64, error) {
	if v == "" {
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < lo || f > hi {
		return 0, fmt.Errorf("%q is not a number from %g to %g", v, lo, hi)
	}
	return f, nil
}

// getSlotsGeoJSON answers a block's ground slots as WGS84 polygons with their stacks.
func (s *Server) getSlotsGeoJSON(w http.ResponseWriter, r *http.Request) {
	y, ok := s.yardFor(w, r)
	if !ok {
		return
	}
	l := y.Layout()
	blk, ok := l.Block(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, "block %q is not in the terminal's layout", r.PathValue("id"))
		return
	}
	view, _ := y.Block(blk.ID)
	stacks := map[[2]int][]string{}
	for _, st := range view.Stacks {
		for _, b := range st.Boxes {
			stacks[[2]int{st.Bay, st.Row}] = append(stacks[[2]int{st.Bay, st.Row}], string(b.Container))
		}
	}
	fc := geojson.NewFeatureCollection()
	for bay := 1; bay <= blk.Bays; bay++ {
		for row := 1; row <= blk.Rows; row++ {
			f := geojson.NewFeature(wgs84(l, blk.SlotPolygon(bay, row)))
			boxes := stacks[[2]int{bay, row}]
			f.Properties = geojson.Properties{"kind": "slot", "block": blk.ID, "bay": bay, "row": row, "height": len(boxes), "boxes": boxes}
			fc.Append(f)
		}
	}
	writeGeoJSON(w, fc)
}

// getEquipmentGeoJSON answers the machines' last positions as WGS84 points.
func (s *Server) getEquipmentGeoJSON(w http.ResponseWriter, r *http.Request) {
	y, ok := s.yardFor(w, r)
	if !ok {
		return
	}
	fc := geojson.NewFeatureCollection()
	for _, mc := range y.Machines() {
		if !mc.Reported {
			continue
		}
		f := geojson.NewFeature(orb.Point{mc.Lon, mc.Lat})
		f.ID = mc.ID
		f.Properties = geojson.Properties{
			"kind": "equipment", "id": mc.ID, "equipment": mc.Kind, "status": mc.Status, "place": mc.Place,
			"at": mc.At, "job": mc.Job, "distance_m": mc.DistanceM,
		}
		fc.Append(f)
	}
	writeGeoJSON(w, fc)
}

// getBerthsGeoJSON answers the berths as WGS84 lines, with the vessel alongside each.
func (s *Server) getBerthsGeoJSON(w http.ResponseWriter, r *http.Request) {
	y, ok := s.yardFor(w, r)
	if !ok {
		return
	}
	l := y.Layout()
	alongside := map[string]any{}
	for _, v := range y.Visits() {
		if v.State == "berthed" {
			alongside[v.Berth] = v
		}
	}
	fc := geojson.NewFeatureCollection()
	for _, b := range l.Berths() {
		line := make(orb.LineString, len(b.Line))
		for i, p := range b.Line {
			line[i] = l.ToWGS84(p)
		}
		f := geojson.NewFeature(line)
		f.ID = b.ID
		f.Properties = geojson.Properties{"kind": "berth", "id": b.ID, "length_m": b.Length, "vessel": alongside[b.ID]}
		fc.Append(f)
	}
	writeGeoJSON(w, fc)
}
