package devserver

import (
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
)

func durationpbDays(days int) *durationpb.Duration {
	return durationpb.New(time.Duration(days) * 24 * time.Hour)
}
