// Package web serves the planners' web UI: static HTML, CSS and ES modules embedded in the binary,
// with no build step and nothing fetched from outside the twin.
//
// # Assets
//
// Everything under static/ is served at the same path under the handler's root, and static/index.html
// at "/" (and at "/index.html"). The page and its modules refer to each other and to the API by
// relative URLs ("js/app.js", "api/v1/yard"), so the twin also works behind a reverse proxy that
// mounts it under a path prefix.
//
// # Caching
//
// Asset names carry no content hash (there is no build step to add one), and a page built from one
// binary must never mix with modules from another. So every answer is "Cache-Control: no-cache" with a
// strong ETag computed from the content when the package loads: a browser keeps its copies, asks
// again on each load and gets a 304 Not Modified, a few hundred bytes, until the binary changes.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var embedded embed.FS

// assets is the UI's files, rooted at the directory served at "/" (index.html, app.css, js/…).
var assets = mustSub(embedded, "static")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic("web: embedded static directory missing: " + err.Error()) // the go:embed line guarantees it
	}
	return sub
}

// contentSecurityPolicy keeps the page offline by construction: scripts, styles, images and API
// calls may come from the twin itself only, and the page may not be framed by another site.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// contentTypes names the media type of each extension served. Set here rather than taken from the
// mime package, whose table comes partly from the host (/etc/mime.types) and has served ".js" as
// "text/plain" on some systems, which browsers refuse for modules.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".json": "application/json",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".txt":  "text/plain; charset=utf-8",
}

// contentType returns the media type the handler serves a file name with, and false for an
// extension it does not serve.
func contentType(name string) (string, bool) {
	ct, ok := contentTypes[strings.ToLower(path.Ext(name))]
	return ct, ok
}

// asset is one file ready to serve.
type asset struct {
	body []byte
	ct   string
	etag string
}

// Handler returns the UI: GET and HEAD of the embedded files, index.html at "/". It answers 404
// for any other path, and 405 for other methods.
func Handler() http.Handler {
	files, err := load(assets)
	if err != nil {
		panic("web: " + err.Error()) // every embedded file is checked by TestAssetsServed
	}
	return handler{files: files}
}

func load(fsys fs.FS) (map[string]asset, error) {
	files := map[string]asset{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ct, ok := contentType(name)
		if !ok {
			return fmt.Errorf("embedded %s: no content type for its extension", name)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		files["/"+name] = asset{body: body, ct: ct, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, ok := files["/index.html"]; !ok {
		return nil, fmt.Errorf("embedded index.html missing")
	}
	files["/"] = files["/index.html"]
	return files, nil
}

type handler struct {
	files map[string]asset
}

func (h handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	a, ok := h.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", a.ct)
	hd.Set("Cache-Control", "no-cache")
	hd.Set("ETag", a.etag)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	if a.ct == contentTypes[".html"] {
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
	}
	// ServeContent answers If-None-Match with 304, HEAD without a body, and Range requests; a zero
	// modification time makes it rely on the ETag alone.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}
