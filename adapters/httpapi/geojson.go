package httpapi

import (
	"net/http"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/yardtwin/yardtwin/domain/yard"
)

// wgs84 converts a yard-frame geometry to WGS84 for GeoJSON.
func wgs84(l *yard.Layout, poly orb.Polygon) orb.Polygon {
	out := make(orb.Polygon, len(poly))
	for i, ring := range poly {
		r := make(orb.Ring, len(ring))
		for j, p := range ring {
			r[j] = l.ToWGS84(p)
		}
		out[i] = r
	}
	return out
}

// getYardGeoJSON answers the blocks as WGS84 polygons with their fill as properties, and the
// equipment's last positions as points.
func (s *Server) getYardGeoJSON(w http.ResponseWriter, r *http.Request) {
	y, ok := s.yardFor(w, r)
	if !ok {
		return
	}
	l := y.Layout()
	sum := y.Summary()
	fc := geojson.NewFeatureCollection()
	for _, bf := range sum.Blocks {
		blk, ok := l.Block(bf.Block)
		if !ok {
			continue
		}
		f := geojson.NewFeature(wgs84(l, blk.Polygon))
		f.ID = blk.ID
		f.Properties = geojson.Properties{
			"kind": "block", "id": blk.ID, "equipment": bf.Equipment, "purpose": bf.Purpose,
			"bays": blk.Bays, "rows": blk.Rows, "max_tiers": blk.MaxTiers,
			"capacity": bf.Capacity, "boxes": bf.Boxes, "teu": bf.TEU, "fill": bf.Fill,
			"reefers": bf.Reefers, "reefer_plugs": bf.ReeferPlugs, "by_category": bf.ByCategory,
		}
		fc.Append(f)
	}
	for _, mc := range y.Machines() {
		if !mc.Reported {
			continue // known from the moves it made, never from a position report
		}
		f := geojson.NewFeature(orb.Point{mc.Lon, mc.Lat})
		f.ID = mc.ID
		f.Properties = geojson.Properties{"kind": "equipment", "id": mc.ID, "equipment": mc.Kind, "status": mc.Status, "place": mc.Place, "at": mc.At}
		fc.Append(f)
	}
	fc.ExtraMembers = geojson.Properties{"position": sum.Position}
	writeGeoJSON(w, fc)
}

// getLayoutGeoJSON answers the terminal layout as loaded, in WGS84.
func (s *Server) getLayoutGeoJSON(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/geo+json")
	_, _ = w.Write(s.LayoutGeoJSON)
}

func writeGeoJSON(w http.ResponseWriter, fc *geojson.FeatureCollection) {
	data, err := fc.MarshalJSON()
	if err != nil {
		writeError(w, http.StatusInternalServerError, "geojson: %v", err)
		return
	}
	w.Header().Set("Content-Type", "application/geo+json")
	_, _ = w.Write(data)
}
