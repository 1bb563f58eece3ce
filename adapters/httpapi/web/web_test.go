package web

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, method, target string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readAsset(t *testing.T, name string) string {
	t.Helper()
	b, err := fs.ReadFile(assets, name)
	if err != nil {
		t.Fatalf("embedded %s: %v", name, err)
	}
	return string(b)
}

// assetNames lists every embedded file, e.g. "index.html", "js/app.js".
func assetNames(t *testing.T) []string {
	t.Helper()
	var names []string
	err := fs.WalkDir(assets, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, name)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestIndexAtRoot(t *testing.T) {
	h := Handler()
	res := get(t, h, http.MethodGet, "/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /: status %d", res.StatusCode)
	}
	if got, want := body(t, res), readAsset(t, "index.html"); got != want {
		t.Errorf("GET / is not index.html")
	}
	for k, want := range map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"Cache-Control":          "no-cache",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("GET /: %s = %q, want %q", k, got, want)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("GET /: Content-Security-Policy = %q, want it to keep the page to the twin", csp)
	}
}

func TestAssetsServed(t *testing.T) {
	tests := map[string]string{ // extension → Content-Type
		".html": "text/html; charset=utf-8",
		".css":  "text/css; charset=utf-8",
		".js":   "text/javascript; charset=utf-8",
		".svg":  "image/svg+xml",
	}
	h := Handler()
	for _, name := range assetNames(t) {
		want, ok := tests[path.Ext(name)]
		if !ok {
			t.Errorf("%s: no expected content type for its extension; add one to this test", name)
			continue
		}
		res := get(t, h, http.MethodGet, "/"+name)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET /%s: status %d", name, res.StatusCode)
			continue
		}
		if got := res.Header.Get("Content-Type"); got != want {
			t.Errorf("GET /%s: Content-Type %q, want %q", name, got, want)
		}
		if got := res.Header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("GET /%s: Cache-Control %q, want no-cache (revalidate by ETag)", name, got)
		}
		if got := body(t, res); got != readAsset(t, name) {
			t.Errorf("GET /%s: body differs from the embedded file", name)
		}
	}
}

func TestRevalidateByETag(t *testing.T) {
	h := Handler()
	res := get(t, h, http.MethodGet, "/js/app.js")
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("GET /js/app.js: no ETag")
	}
	if res := get(t, h, http.MethodGet, "/js/app.js", "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Errorf("GET with If-None-Match %s: status %d, want 304", etag, res.StatusCode)
	}
	if res := get(t, h, http.MethodGet, "/js/app.js", "If-None-Match", `"other"`); res.StatusCode != http.StatusOK {
		t.Errorf("GET with a stale If-None-Match: status %d, want 200", res.StatusCode)
	}
	if other := get(t, h, http.MethodGet, "/js/map.js").Header.Get("ETag"); other == etag {
		t.Errorf("app.js and map.js share the ETag %s", etag)
	}
}

func TestHead(t *testing.T) {
	res := get(t, Handler(), http.MethodHead, "/")
	if res.StatusCode != http.StatusOK || body(t, res) != "" {
		t.Errorf("HEAD /: status %d with a body, want 200 without", res.StatusCode)
	}
}

func TestNotFound(t *testing.T) {
	h := Handler()
	for _, target := range []string{"/nope.js", "/js/", "/js", "/static/index.html", "/api/v1/unknown", "/../web.go"} {
		if res := get(t, h, http.MethodGet, target); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", target, res.StatusCode)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	res := get(t, Handler(), http.MethodPost, "/")
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: status %d, want 405", res.StatusCode)
	}
	if got := res.Header.Get("Allow"); got != "GET, HEAD" {
		t.Errorf("POST /: Allow %q, want GET, HEAD", got)
	}
}

var (
	// htmlRef finds the files index.html loads: scripts, stylesheets, icons.
	htmlRef = regexp.MustCompile(`<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"`)
	// jsImport finds static imports and re-exports (import … from "x", import "x", export … from "x")
	// and dynamic imports (import("x")), with the names a static import takes, if any.
	jsImport = regexp.MustCompile(`(?m)^\s*(?:import|export)\s+(?:(\{[^}]*\}|\*\s+as\s+\w+|\w+)\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)`)
	// jsWorker finds the scripts a module starts as workers: new Worker(new URL('./x.js', import.meta.url)).
	jsWorker = regexp.MustCompile(`\bnew\s+(?:Shared)?Worker\(\s*new\s+URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)`)
	// jsExport finds the names a module exports.
	jsExport = regexp.MustCompile(`(?m)^export\s+(?:async\s+)?(?:function\*?|class|const|let|var)\s+([A-Za-z_$][\w$]*)|^export\s+\{([^}]*)\}`)
)

type jsImportRef struct {
	from, spec string
	names      []string // named imports; nil for a namespace, default or side-effect import
}

func moduleImports(t *testing.T, file string) []jsImportRef {
	t.Helper()
	var refs []jsImportRef
	for _, m := range jsImport.FindAllStringSubmatch(readAsset(t, file), -1) {
		spec := m[2] + m[3]
		var names []string
		if strings.HasPrefix(m[1], "{") {
			for _, n := range strings.Split(strings.Trim(m[1], "{}"), ",") {
				if n = strings.TrimSpace(n); n != "" {
					names = append(names, strings.Fields(n)[0]) // "a as b" imports a
				}
			}
		}
		refs = append(refs, jsImportRef{from: file, spec: spec, names: names})
	}
	for _, m := range jsWorker.FindAllStringSubmatch(readAsset(t, file), -1) {
		refs = append(refs, jsImportRef{from: file, spec: m[1]})
	}
	return refs
}

func moduleExports(t *testing.T, file string) []string {
	t.Helper()
	var names []string
	for _, m := range jsExport.FindAllStringSubmatch(readAsset(t, file), -1) {
		if m[1] != "" {
			names = append(names, m[1])
			continue
		}
		for _, n := range strings.Split(m[2], ",") {
			if f := strings.Fields(n); len(f) > 0 {
				names = append(names, f[len(f)-1]) // "a as b" exports b
			}
		}
	}
	return names
}

// TestModuleGraph follows index.html's references, every module's imports and the workers it
// starts: each must name an embedded file by a relative path, each named import must be exported,
// and every embedded module must be reached. With no bundler, this is what stands between a typo and a blank page.
func TestModuleGraph(t *testing.T) {
	embedded := map[string]bool{}
	for _, n := range assetNames(t) {
		embedded[n] = true
	}
	reached := map[string]bool{"index.html": true}
	var queue []string
	for _, m := range htmlRef.FindAllStringSubmatch(readAsset(t, "index.html"), -1) {
		ref := m[1]
		if strings.Contains(ref, "//") || strings.HasPrefix(ref, "/") {
			t.Errorf("index.html: %q must be a relative path to an embedded file", ref)
			continue
		}
		if !embedded[ref] {
			t.Errorf("index.html: %q is not embedded", ref)
			continue
		}
		if !reached[ref] {
			reached[ref] = true
			queue = append(queue, ref)
		}
	}
	if !reached["js/app.js"] {
		t.Fatalf("index.html does not load js/app.js")
	}
	for len(queue) > 0 {
		file := queue[0]
		queue = queue[1:]
		if path.Ext(file) != ".js" {
			continue
		}
		for _, imp := range moduleImports(t, file) {
			if !strings.HasPrefix(imp.spec, "./") && !strings.HasPrefix(imp.spec, "../") {
				t.Errorf("%s: import %q must be a relative path (no bare specifiers, no URLs)", file, imp.spec)
				continue
			}
			target := path.Join(path.Dir(file), imp.spec)
			if !embedded[target] {
				t.Errorf("%s: import %q: %s is not embedded", file, imp.spec, target)
				continue
			}
			exports := moduleExports(t, target)
			for _, n := range imp.names {
				if !slices.Contains(exports, n) {
					t.Errorf("%s imports %s from %s, which does not export it (exports %v)", file, n, imp.spec, exports)
				}
			}
			if !reached[target] {
				reached[target] = true
				queue = append(queue, target)
			}
		}
	}
	for n := range embedded {
		if (path.Ext(n) == ".js" || path.Ext(n) == ".css") && !reached[n] {
			t.Errorf("%s is embedded but nothing loads it", n)
		}
	}
}

// TestOffline checks that no asset refers to another site: the UI runs where there is no internet.
// The SVG namespace, an identifier that is never fetched, is the one address allowed.
func TestOffline(t *testing.T) {
	url := regexp.MustCompile(`(?i)\b(?:https?:|wss?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	svgNS := regexp.MustCompile(`(?:xmlns=)?["']http://www\.w3\.org/2000/svg["']`)
	for _, name := range assetNames(t) {
		text := svgNS.ReplaceAllString(readAsset(t, name), "")
		if m := url.FindString(text); m != "" {
			t.Errorf("%s refers to %s: embed what it needs instead", name, m)
		}
	}
}

// dictionaries reads the dictionaries of js/strings.js: each `export const xx = {` … `};` block whose
// name is listed in `export const dictionaries = { … }`, as language → set of keys.
func dictionaries(t *testing.T) map[string]map[string]bool {
	t.Helper()
	src := readAsset(t, "js/strings.js")
	list := regexp.MustCompile(`(?m)^export const dictionaries = \{([^}]*)\};`).FindStringSubmatch(src)
	if list == nil {
		t.Fatal("js/strings.js: no `export const dictionaries = { … };`")
	}
	keyRe := regexp.MustCompile(`(?m)^\s*'([\w.]+)':`)
	out := map[string]map[string]bool{}
	for _, lang := range strings.Split(list[1], ",") {
		lang = strings.TrimSpace(lang)
		if lang == "" {
			continue
		}
		head := "export const " + lang + " = {"
		start := strings.Index(src, head)
		if start < 0 {
			t.Fatalf("js/strings.js: dictionary %q is listed but there is no `%s`", lang, head)
		}
		end := strings.Index(src[start:], "\n};")
		if end < 0 {
			t.Fatalf("js/strings.js: dictionary %q does not end with a line `};`", lang)
		}
		keys := map[string]bool{}
		for _, m := range keyRe.FindAllStringSubmatch(src[start:start+end], -1) {
			if keys[m[1]] {
				t.Errorf("js/strings.js: %s: key %q defined twice", lang, m[1])
			}
			keys[m[1]] = true
		}
		if len(keys) < 20 {
			t.Fatalf("js/strings.js: %s: read only %d keys; has the dictionary's layout changed?", lang, len(keys))
		}
		out[lang] = keys
	}
	return out
}

// TestStringKeys checks that every text key the page uses is in every dictionary, and that the
// dictionaries have the same keys: no text is left in English on a French page, and no translation
// is left behind when a key goes.
func TestStringKeys(t *testing.T) {
	dicts := dictionaries(t)
	for _, lang := range []string{"en", "fr"} {
		if dicts[lang] == nil {
			t.Fatalf("js/strings.js: no %q dictionary in `dictionaries`", lang)
		}
	}
	en := dicts["en"]
	for lang, keys := range dicts {
		for k := range en {
			if !keys[k] {
				t.Errorf("js/strings.js: %s lacks key %q", lang, k)
			}
		}
		for k := range keys {
			if !en[k] {
				t.Errorf("js/strings.js: %s has key %q, which en does not", lang, k)
			}
		}
	}
	uses := []*regexp.Regexp{
		regexp.MustCompile(`\bt\(\s*'([\w.]+)'`),                             // t('key', …) in modules
		regexp.MustCompile(`\bt\([^()'\n]*\?\s*'([\w.]+)'\s*:\s*'([\w.]+)'`), // t(cond ? 'a' : 'b', …)
		regexp.MustCompile(`\brow\(\s*'([\w.]+)'`),                           // search.js result rows
		regexp.MustCompile(`\b(?:noData|legendKey)\(\s*'([\w.]+)'`),          // legend.js keys
		regexp.MustCompile(`\bdata-i18n(?:-[a-z-]+)?="([\w.]+)"`),            // index.html
	}
	for _, name := range assetNames(t) {
		if ext := path.Ext(name); ext != ".js" && ext != ".html" {
			continue
		}
		text := readAsset(t, name)
		for _, re := range uses {
			for _, m := range re.FindAllStringSubmatch(text, -1) {
				for _, key := range m[1:] {
					if key == "" {
						continue
					}
					for lang, keys := range dicts {
						if !keys[key] {
							t.Errorf("%s uses text key %q, which the %s dictionary of js/strings.js does not define", name, key, lang)
						}
					}
				}
			}
		}
	}
}

// TestLabelGroups checks that every value the API may send in an enumerated field has a text in
// each dictionary under its group (label(group, value) in the modules).
func TestLabelGroups(t *testing.T) {
	groups := map[string][]string{
		"where":    {"announced", "quay", "truck", "yard", "vessel", "gone", "unknown"},
		"kind":     {"quay_crane", "yard_crane", "truck", "straddle_carrier", "reach_stacker"},
		"machine":  {"working", "idle", "waiting", "maintenance", "breakdown", "offline"},
		"category": {"import", "export", "transhipment", "empty"},
		"hold":     {"customs", "inspection", "damage", "payment", "documents", "operator"},
		"visit":    {"arrived", "berthed", "departed"},
		"anomaly": {"slot_conflict", "lift_unknown", "lift_mismatch", "unsupported_tier", "bad_check_digit",
			"moved_unlifted", "left_from_stack", "out_of_order", "late_report"},
		"kpi": {"qc_gross_moves_per_hour", "berth_productivity", "berth_time", "port_stay", "truck_turn_time",
			"productive_moves", "rehandles", "rehandle_ratio", "yard_utilisation", "dwell_time"},
		"event": {"quay.VesselArrived", "quay.VesselBerthed", "quay.VesselDeparted", "quay.ContainerDischarged",
			"quay.ContainerLoaded", "yard.ContainerAnnounced", "yard.ContainerStacked", "yard.ContainerLifted",
			"yard.ContainerHeld", "yard.ContainerReleased", "gate.TruckArrived", "gate.TruckLeft",
			"gate.ContainerGatedIn", "gate.ContainerGatedOut", "equipment.PositionReported", "equipment.StatusChanged"},
	}
	for lang, keys := range dictionaries(t) {
		for group, values := range groups {
			for _, v := range values {
				if !keys[group+"."+v] {
					t.Errorf("js/strings.js: %s has no text for %s %q (key %s.%s)", lang, group, v, group, v)
				}
			}
		}
	}
}

// TestHooks checks that the page keeps the ids and data attributes that browser tests and scripts
// rely on.
func TestHooks(t *testing.T) {
	page := readAsset(t, "index.html")
	for _, id := range []string{
		"app", "map", "status", "totals", "search", "search-form", "search-result", "vessels", "anomaly-counts",
		"anomalies", "tooltip", "legend", "zoom-in", "zoom-out", "zoom-fit", "panel-toggle", "colour-mode",
		"block-view", "block-list", "kpis", "time-slider", "time-label", "time-live", "time-play", "lang",
	} {
		if !strings.Contains(page, `id="`+id+`"`) {
			t.Errorf("index.html has no #%s", id)
		}
	}
	for _, attr := range []string{"data-state", "data-blocks", "data-equipment", "data-position", "data-updated", "data-mode", "data-stream", "data-updates"} {
		if !regexp.MustCompile(`<div id="status"[^>]*\b` + attr + `=`).MatchString(page) {
			t.Errorf("index.html: #status has no %s", attr)
		}
	}
	for _, mode := range []string{"fill", "category", "dwell", "reefer"} {
		if !strings.Contains(page, `<option value="`+mode+`"`) {
			t.Errorf("index.html: #colour-mode offers no %q", mode)
		}
	}
	for _, lang := range []string{"en", "fr"} {
		if !strings.Contains(page, `<option value="`+lang+`"`) {
			t.Errorf("index.html: #lang offers no %q", lang)
		}
	}
}
