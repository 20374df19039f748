package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

func runGen(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := newFlags("gen", "gen --db FILE [--n 100000] [--seed 42]", stderr)
	db := flags.String("db", "", "database file to fill with synthetic incidents; required, never the env default")
	n := flags.Int("n", 100000, "how many incidents")
	seed := flags.Uint64("seed", 42, "the seed: the same seed gives the same incidents")
	if err := parse(flags, args, 0); err != nil {
		return err
	}
	if *db == "" {
		return usagef("gen needs --db FILE: synthetic incidents never go to the default database")
	}
	if *n < 1 || *n > 10_000_000 {
		return usagef("--n %d: want 1 to 10000000", *n)
	}
	st, err := createStore(*db, 2*time.Second)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.AddSynthetic(ctx, *n, *seed); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %d synthetic incidents (seed %d) to %s\n", *n, *seed, *db)
	return nil
}
