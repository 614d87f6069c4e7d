package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"gorm.io/gorm"
)

// dbCollector reads the workflows' phases and the outbox's states at scrape
// time. The tables are what the activities write, so the figures follow the
// workflows without asking Temporal's (eventually consistent) visibility.
type dbCollector struct {
	db                        *gorm.DB
	workflows, emails, errors *prometheus.Desc
}

func newDBCollector(db *gorm.DB) *dbCollector {
	return &dbCollector{
		db: db,
		workflows: prometheus.NewDesc("aap_workflows", "Workflows by type (campaign, application, convention) and phase, as recorded in the database.",
			[]string{"type", "phase"}, nil),
		emails: prometheus.NewDesc("aap_emails", "Emails of the outbox by delivery state (pending, sending, sent, failed).",
			[]string{"state"}, nil),
		errors: prometheus.NewDesc("aap_metrics_database_errors", "1 when the last scrape could not read the database.", nil, nil),
	}
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.workflows
	ch <- c.emails
	ch <- c.errors
}

// tables are the workflow types, the column holding each one's phase and the rows that
// count: a call or a dossier whose workflow is still to be started counts nowhere.
var tables = []struct{ typ, table, column, where string }{
	{"campaign", "campaigns", "phase", "workflow_pending = false"},
	{"application", "applications", "state", "workflow_pending = false"},
	{"convention", "conventions", "state", "1 = 1"},
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	failed := 0.0
	type count struct {
		Key string
		N   int64
	}
	for _, t := range tables {
		var rows []count
		err := c.db.WithContext(ctx).Table(t.table).Select(t.column + " AS key, COUNT(*) AS n").Where(t.where).Group(t.column).Scan(&rows).Error
		if err != nil {
			failed = 1
			continue
		}
		for _, r := range rows {
			ch <- prometheus.MustNewConstMetric(c.workflows, prometheus.GaugeValue, float64(r.N), t.typ, r.Key)
		}
	}
	var rows []count
	if err := c.db.WithContext(ctx).Table("emails").Select("state AS key, COUNT(*) AS n").Group("state").Scan(&rows).Error; err != nil {
		failed = 1
	}
	for _, r := range rows {
		ch <- prometheus.MustNewConstMetric(c.emails, prometheus.GaugeValue, float64(r.N), r.Key)
	}
	ch <- prometheus.MustNewConstMetric(c.errors, prometheus.GaugeValue, failed)
}
