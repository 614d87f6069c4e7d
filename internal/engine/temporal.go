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
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"google.golang.org/protobuf/types/known/durationpb"

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

// ensureNamespace creates the namespace with the given retention when the cluster has none
// of that name (a bare cluster: no auto-setup image creates it any more), then waits until
// the frontend serves it. It is safe to run from several processes at once.
func ensureNamespace(ctx context.Context, c client.Client, namespace string, retention time.Duration, log *slog.Logger) error {
	ws := c.WorkflowService()
	_, err := ws.DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
	var notFound *serviceerror.NamespaceNotFound
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &notFound):
		return fmt.Errorf("describe namespace %q: %w", namespace, err)
	}
	_, err = ws.RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace:                        namespace,
		Description:                      "aap: appels à projets, programme 104",
		WorkflowExecutionRetentionPeriod: durationpb.New(retention),
	})
	var exists *serviceerror.NamespaceAlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("register namespace %q: %w", namespace, err)
	}
	log.Info("namespace created", "namespace", namespace, "retention", retention)
	return nil
}

// namespaceRefreshWait covers the default namespace cache refresh of the Temporal frontend.
const namespaceRefreshWait = 11 * time.Second

// ensureSearchAttributes registers the aap search attributes in the namespace
// if they are missing. It is safe to run from several processes at once. A namespace
// just created is unknown to the frontend until its namespace cache refreshes: that
// answer is retried for twice the refresh interval.
func ensureSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	deadline := time.Now().Add(2 * namespaceRefreshWait)
	for {
		err := addSearchAttributes(ctx, c, namespace)
		var nsNotFound *serviceerror.NamespaceNotFound
		var notFound *serviceerror.NotFound
		if err == nil || !(errors.As(err, &nsNotFound) || errors.As(err, &notFound)) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func addSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
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
