// Package assets holds the web page: index.html at the root and its
// scripts, styles, vendored libraries and offline basemap under static/.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed index.html static
var embedded embed.FS

// FS is the page: "index.html", and every other file under "static/".
var FS fs.FS = embedded
