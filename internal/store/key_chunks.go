package store

import (
	"slices"

	"gorm.io/gorm"
)

// keysPerQuery bounds the keys one `IN` query carries. A call of 10,000 dossiers asks about
// as many associations at its selection; 500 a query keeps far from SQLite's limit on a
// statement's parameters (32,766) and PostgreSQL's (65,535), and the plans stay index lookups.
const keysPerQuery = 500

// findByAssociationKeys reads the rows of q whose association_key is one of keys, the
// distinct keys keysPerQuery at a time. Distinct: an association filing several dossiers in
// one call is asked about once, so its rows are not read twice by two chunks (each key lands
// in exactly one, and an association's rows keep q's order).
func findByAssociationKeys[T any](q *gorm.DB, keys []string) ([]T, error) {
	distinct := slices.Clone(keys)
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	var all []T
	for chunk := range slices.Chunk(distinct, keysPerQuery) {
		var rows []T
		if err := q.Session(&gorm.Session{}).Where("association_key IN ?", chunk).Find(&rows).Error; err != nil {
			return nil, err
		}
		all = append(all, rows...)
	}
	return all, nil
}
