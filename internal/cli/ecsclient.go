package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/httpapi"
)

// ecsClient speaks ECS JSON 1.1 to a running ecsmini: enough of the API for the CLI's
// own commands, without the AWS SDK (which only tests import). ecsmini accepts
// unsigned requests and answers in the region it was started with.
type ecsClient struct {
	endpoint string
	http     *http.Client
}

// ecsCallTimeout bounds one call, so that an ecsmini that accepts connections but does
// not answer (suspended with Ctrl-Z, say) is an error rather than a hang.
var ecsCallTimeout = 10 * time.Second

func newECSClient(endpoint string) *ecsClient {
	return &ecsClient{endpoint: endpoint, http: localHTTP}
}

// call runs operation op with in as the request and decodes the answer into out. An
// ECS error answer becomes an *ecs.Error ("ClusterNotFoundException: Cluster not
// found."); a refused connection says that no ecsmini answers.
func (c *ecsClient) call(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("%s: encoding the request: %w", op, err)
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, ecsCallTimeout)
	defer cancel()
	timedOut := func() error {
		return fmt.Errorf("the ecsmini at %s did not answer %s within %s (is it suspended or overloaded?)", c.endpoint, op, ecsCallTimeout)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint+"/", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("endpoint %s: %w", c.endpoint, err)
	}
	req.Header.Set("X-Amz-Target", httpapi.TargetPrefix+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := c.http.Do(req)
	if err != nil {
		if parent.Err() != nil {
			return parent.Err()
		}
		if ctx.Err() != nil {
			return timedOut()
		}
		return fmt.Errorf("no ecsmini answers at %s (start one with 'ecsmini up', or pass --endpoint): %w", c.endpoint, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		if parent.Err() == nil && ctx.Err() != nil {
			return timedOut()
		}
		return fmt.Errorf("%s: reading the answer: %w", op, err)
	}
	if resp.StatusCode != http.StatusOK {
		return decodeError(op, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s: %s answered with something other than ECS JSON: %w", op, c.endpoint, err)
	}
	return nil
}

// decodeError turns an ECS error body ({"__type": ..., "message": ...}) into an
// *ecs.Error. The type may carry a namespace ("com.amazonaws...#Code"), as AWS sends.
func decodeError(op string, status int, b []byte) error {
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
		// Some AWS services capitalise it.
		MessageCap string `json:"Message"`
	}
	if json.Unmarshal(b, &e) != nil || e.Type == "" {
		return fmt.Errorf("%s: HTTP %d: %s", op, status, strings.TrimSpace(string(b)))
	}
	if i := strings.LastIndexByte(e.Type, '#'); i >= 0 {
		e.Type = e.Type[i+1:]
	}
	if e.Message == "" {
		e.Message = e.MessageCap
	}
	return &ecs.Error{Code: e.Type, Message: e.Message}
}

// isCode reports whether err is the ECS error code.
func isCode(err error, code string) bool {
	var e *ecs.Error
	return errors.As(err, &e) && e.Code == code
}

// listClusters returns every cluster ARN, following pages.
func (c *ecsClient) listClusters(ctx context.Context) ([]string, error) {
	var arns []string
	in := ecs.ListInput{}
	for {
		var out ecs.ListClustersOutput
		if err := c.call(ctx, "ListClusters", &in, &out); err != nil {
			return nil, err
		}
		arns = append(arns, out.ClusterArns...)
		if out.NextToken == nil || *out.NextToken == "" {
			return arns, nil
		}
		in.NextToken = out.NextToken
	}
}

// listTasks returns the ARNs of the cluster's tasks with that desired status ("" is
// ECS's default, RUNNING), following pages.
func (c *ecsClient) listTasks(ctx context.Context, cluster, desiredStatus string) ([]string, error) {
	return c.listTasksBy(ctx, ecs.ListTasksInput{Cluster: cluster, DesiredStatus: desiredStatus})
}

// listTasksBy lists the ARNs of the tasks a ListTasks filter selects, following pages.
func (c *ecsClient) listTasksBy(ctx context.Context, in ecs.ListTasksInput) ([]string, error) {
	var arns []string
	for {
		var out ecs.ListTasksOutput
		if err := c.call(ctx, "ListTasks", &in, &out); err != nil {
			return nil, err
		}
		arns = append(arns, out.TaskArns...)
		if out.NextToken == nil || *out.NextToken == "" {
			return arns, nil
		}
		in.NextToken = out.NextToken
	}
}

// describeTasks describes tasks of a cluster, 100 at a time (ECS's limit). Tasks that
// vanished between listing and describing (expired STOPPED ones) are left out.
func (c *ecsClient) describeTasks(ctx context.Context, cluster string, arns []string) ([]*ecs.Task, error) {
	var tasks []*ecs.Task
	for len(arns) > 0 {
		n := min(len(arns), 100)
		var out ecs.TasksOutput
		if err := c.call(ctx, "DescribeTasks", &ecs.DescribeTasksInput{Cluster: cluster, Tasks: arns[:n]}, &out); err != nil {
			return nil, err
		}
		tasks = append(tasks, out.Tasks...)
		arns = arns[n:]
	}
	return tasks, nil
}
