package main

import (
	"bufio"
	"context"
	"flag"
	"io"
	"net/url"
	"time"

	"github.com/dmzmap/dmzmap/data"
)

const exportSynopsis = "export [--db FILE] [--format geojson|csv|kml] [--year Y | --from Y --to Y] [--type T,…] [--direction D,…] [--sector S,…] [--bbox W,S,E,N] [--q WORDS] > OUT"

func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := newFlags("export", exportSynopsis, stderr)
	db, timeout := dbFlags(flags, getenv)
	format := flags.String("format", "geojson", "geojson, csv or kml")
	filters := []struct{ name, help string }{
		{"year", "one year, like 2017"},
		{"from", "the first year"},
		{"to", "the last year"},
		{"type", "types, comma-separated: crossing, incursion, infiltration, shooting, tunnel, landmine, abduction, other"},
		{"direction", "directions, comma-separated: north_to_south, south_to_north, none"},
		{"sector", "sectors, comma-separated: western, central, eastern, jsa"},
		{"bbox", "minLon,minLat,maxLon,maxLat"},
		{"q", "words that must all appear in the title or summary"},
	}
	for _, f := range filters {
		flags.String(f.name, "", f.help)
	}
	if err := parse(flags, args, 0); err != nil {
		return err
	}
	params := url.Values{}
	flags.Visit(func(f *flag.Flag) {
		for _, name := range filters {
			if f.Name == name.name {
				params.Set(f.Name, f.Value.String())
			}
		}
	})
	fq, err := data.ParseFilter(data.URLParams(params), data.FilterSpec{Route: "dmzmap export"}, time.Now().Year())
	if err != nil {
		return usagef("%v", err)
	}
	switch *format {
	case "geojson", "csv", "kml":
	default:
		return usagef("--format %q: want geojson, csv or kml", *format)
	}
	st, err := openStore(*db, *timeout, true, "export through it: GET /api/export."+*format)
	if err != nil {
		return err
	}
	defer st.Close()
	w := bufio.NewWriterSize(stdout, 64<<10)
	if _, err := data.WriteExport(w, st, fq.Filter, *format); err != nil {
		return err
	}
	return w.Flush()
}
