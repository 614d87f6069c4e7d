package store

import "gorm.io/gorm"

// page counts the rows q matches, then reads one page of them in order: the total and
// the page a List returns.
func page[T any](q *gorm.DB, order string, limit, offset int) ([]T, int64, error) {
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []T
	err := q.Order(order).Limit(limit).Offset(offset).Find(&rows).Error
	return rows, total, err
}
