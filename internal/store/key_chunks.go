package store

import (
	"slices"
)

// keysPerQuery bounds the keys one `IN` query carries. A call of 10,000 dossiers asks about
// as many associations at its selection; 500 a query keeps far from SQLite's limit on a
// statement's parameters (32,766) and PostgreSQL's (65,535), and the plans stay index lookups.
const keysPerQuery = 500

// eachKeyChunk calls f on the distinct keys, at most keysPerQuery at a time. Distinct: an
// association filing several dossiers in one call is asked about once, so its rows are not
// read twice by two chunks (each key lands in exactly one).
func eachKeyChunk(keys []string, f func(chunk []string) error) error {
	distinct := slices.Clone(keys)
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	for chunk := range slices.Chunk(distinct, keysPerQuery) {
		if err := f(chunk); err != nil {
			return err
		}
	}
	return nil
}
