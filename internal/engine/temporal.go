package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/dian-p104/aap/workflows"
)

// dialTemporal connects to the frontend, waiting for it to come up (a compose
// start, or the embedded server still booting).
// Its SDK metrics go to mh (nil: none).
func dialTemporal(ctx context.Context, hostPort, namespace string, mh client.MetricsHandler, log *slog.Logger) (client.Client, error) {
	var lastErr error
	for attempt := 0; attempt < 60; attempt++ { // up to two minutes
		c, err := client.DialContext(ctx, client.Options{
			HostPort: hostPort, Namespace: namespace, Logger: sdklog.NewStructuredLogger(log.With("component", "temporal-sdk")),
			MetricsHandler: mh,
		})
		if err == nil {
			return c, nil
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
	return nil, fmt.Errorf("connect to Temporal at %s (AAP_TEMPORAL_ADDRESS): %w", hostPort, lastErr)
}

// namespaceRefreshWait covers the default namespace cache refresh of the Temporal frontend.
const namespaceRefreshWait = 11 * time.Second

// ensureSearchAttributes registers the aap search attributes in the namespace
// if they are missing. It is safe to run from several processes at once.
func ensureSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	ops := c.OperatorService()
	existing, err := ops.ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("list search attributes: %w", err)
	}
	missing := map[string]enumspb.IndexedValueType{}
	for name, kind := range workflows.SearchAttributes() {
		if _, ok := existing.GetCustomAttributes()[name]; !ok {
			missing[name] = kind
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = ops.AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{Namespace: namespace, SearchAttributes: missing})
	var exists *serviceerror.AlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("add search attributes: %w", err)
	}
	// The frontend sees them once its namespace cache refreshes (10 s by default).
	time.Sleep(namespaceRefreshWait)
	return nil
}
