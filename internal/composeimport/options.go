package composeimport

// Options are what the conversion needs beyond the project.
type Options struct {
	// Region and AccountID make the ARNs (target groups, secrets) the inputs name.
	Region    string
	AccountID string
	// Cluster overrides the cluster name (default: the project's x-aws-cluster, else
	// the project name).
	Cluster string
	// Subnets are the awsvpc subnets of every service (default subnet-00000000, which
	// ecsmini accepts; real AWS needs real ones, from here or x-ecs.subnets).
	Subnets []string
}

func (o Options) withDefaults() Options {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.AccountID == "" {
		o.AccountID = "000000000000"
	}
	if len(o.Subnets) == 0 {
		o.Subnets = []string{"subnet-00000000"}
	}
	return o
}
