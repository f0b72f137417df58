package ecsminiapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/httpapi"
)

// Call runs ECS operation op with in as the request and decodes the answer into out. An
// ECS error answer becomes an *ecs.Error ("ClusterNotFoundException: Cluster not
// found."); a refused connection says that no ecsmini answers.
func (c *Client) Call(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("%s: encoding the request: %w", op, err)
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Endpoint+"/", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("endpoint %s: %w", c.Endpoint, err)
	}
	req.Header.Set("X-Amz-Target", httpapi.TargetPrefix+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set(ClientHeader, ClientName)
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return c.unreachable(parent, ctx, op, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		if parent.Err() == nil && ctx.Err() != nil {
			return c.unreachable(parent, ctx, op, err)
		}
		return fmt.Errorf("%s: reading the answer: %w", op, err)
	}
	if resp.StatusCode != http.StatusOK {
		return decodeECSError(op, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s: %s answered with something other than ECS JSON: %w", op, c.Endpoint, err)
	}
	return nil
}

// decodeECSError turns an ECS error body ({"__type": ..., "message": ...}) into an
// *ecs.Error. The type may carry a namespace ("com.amazonaws...#Code"), as AWS sends.
func decodeECSError(op string, status int, b []byte) error {
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

// IsCode reports whether err is the ECS error code.
func IsCode(err error, code string) bool {
	var e *ecs.Error
	return errors.As(err, &e) && e.Code == code
}

// ListClusters returns every cluster ARN, following pages.
func (c *Client) ListClusters(ctx context.Context) ([]string, error) {
	var arns []string
	in := ecs.ListInput{}
	for {
		var out ecs.ListClustersOutput
		if err := c.Call(ctx, "ListClusters", &in, &out); err != nil {
			return nil, err
		}
		arns = append(arns, out.ClusterArns...)
		if out.NextToken == nil || *out.NextToken == "" {
			return arns, nil
		}
		in.NextToken = out.NextToken
	}
}

// ListTasks lists the ARNs of the tasks a ListTasks filter selects (desired status ""
// is ECS's default, RUNNING), following pages.
func (c *Client) ListTasks(ctx context.Context, in ecs.ListTasksInput) ([]string, error) {
	var arns []string
	for {
		var out ecs.ListTasksOutput
		if err := c.Call(ctx, "ListTasks", &in, &out); err != nil {
			return nil, err
		}
		arns = append(arns, out.TaskArns...)
		if out.NextToken == nil || *out.NextToken == "" {
			return arns, nil
		}
		in.NextToken = out.NextToken
	}
}

// DescribeTasks describes tasks of a cluster, 100 at a time (ECS's limit). Tasks that
// vanished between listing and describing (expired STOPPED ones) are left out.
func (c *Client) DescribeTasks(ctx context.Context, cluster string, arns []string) ([]*ecs.Task, error) {
	var tasks []*ecs.Task
	for len(arns) > 0 {
		n := min(len(arns), 100)
		var out ecs.TasksOutput
		if err := c.Call(ctx, "DescribeTasks", &ecs.DescribeTasksInput{Cluster: cluster, Tasks: arns[:n]}, &out); err != nil {
			return nil, err
		}
		tasks = append(tasks, out.Tasks...)
		arns = arns[n:]
	}
	return tasks, nil
}

// Services describes the ACTIVE services of a cluster.
func (c *Client) Services(ctx context.Context, cluster string) ([]*ecs.Service, error) {
	var arns []string
	in := ecs.ListServicesInput{Cluster: cluster}
	for {
		var out ecs.ListServicesOutput
		if err := c.Call(ctx, "ListServices", &in, &out); err != nil {
			return nil, err
		}
		arns = append(arns, out.ServiceArns...)
		if out.NextToken == nil || *out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	var svcs []*ecs.Service
	for len(arns) > 0 {
		n := min(len(arns), 10)
		var out ecs.DescribeServicesOutput
		if err := c.Call(ctx, "DescribeServices", &ecs.DescribeServicesInput{Cluster: cluster, Services: arns[:n]}, &out); err != nil {
			return nil, err
		}
		svcs = append(svcs, out.Services...)
		arns = arns[n:]
	}
	return svcs, nil
}

// ContainerInstanceARNs lists a cluster's container instances, following pages.
func (c *Client) ContainerInstanceARNs(ctx context.Context, cluster string) ([]string, error) {
	var arns []string
	in := ecs.ListContainerInstancesInput{Cluster: cluster}
	for {
		var out ecs.ListContainerInstancesOutput
		if err := c.Call(ctx, "ListContainerInstances", &in, &out); err != nil {
			return nil, err
		}
		arns = append(arns, out.ContainerInstanceArns...)
		if out.NextToken == nil || *out.NextToken == "" {
			return arns, nil
		}
		in.NextToken = out.NextToken
	}
}

// DescribeContainerInstances describes container instances of a cluster, 100 at a time.
func (c *Client) DescribeContainerInstances(ctx context.Context, cluster string, arns []string) ([]*ecs.ContainerInstance, error) {
	var all []*ecs.ContainerInstance
	for len(arns) > 0 {
		n := min(len(arns), 100)
		var out ecs.ContainerInstancesOutput
		if err := c.Call(ctx, "DescribeContainerInstances", &ecs.DescribeContainerInstancesInput{Cluster: cluster, ContainerInstances: arns[:n]}, &out); err != nil {
			return nil, err
		}
		all, arns = append(all, out.ContainerInstances...), arns[n:]
	}
	return all, nil
}

// ContainerInstances lists and describes a cluster's container instances.
func (c *Client) ContainerInstances(ctx context.Context, cluster string) ([]*ecs.ContainerInstance, error) {
	arns, err := c.ContainerInstanceARNs(ctx, cluster)
	if err != nil {
		return nil, err
	}
	return c.DescribeContainerInstances(ctx, cluster, arns)
}
