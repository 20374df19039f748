package data_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dmzmap/dmzmap/data"
)

func ExampleStore_Query() {
	mdl, _ := data.LoadMDL()
	dir, _ := os.MkdirTemp("", "dmzmap")
	defer os.RemoveAll(dir)
	store, err := data.Open(filepath.Join(dir, "example.db"), mdl, data.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	store.SeedIfEmpty(func() ([]*data.Incident, error) { return data.SeedIncidents(mdl) })

	from, to := data.YearRange(2017, 2017)
	res, _ := store.Query(data.Filter{From: from, To: to, Types: []data.Type{data.TypeCrossing}, Limit: 1},
		func(feature []byte) error { return nil })
	fmt.Println(res.Returned, res.Matched > 1)
	// Output: 1 true
}

func ExampleParseDate() {
	d, _ := data.ParseDate("1970-04")
	fmt.Println(d.Precision(), d.Key())
	// Output: month 19700400
}
