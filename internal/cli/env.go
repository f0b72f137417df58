package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

func newEnvCmd() *cobra.Command {
	var endpoint string
	cmd := &cobra.Command{
		Use:   "env",
		Short: "Print export lines that point AWS tools at ecsmini",
		Long: `Print shell export lines (endpoint, region, dummy credentials) so that the AWS CLI,
the SDKs and Terraform talk to ecsmini:

  eval "$(ecsmini env)"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			u := endpointURL(endpoint)
			region := "us-east-1"
			if h, err := probe(cmd.Context(), u, 300*time.Millisecond); err == nil {
				region = h.Region
			} else {
				fmt.Fprintf(cmd.ErrOrStderr(), "# note: %v\n", err)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "export AWS_ENDPOINT_URL_ECS=%s\n", u)
			// CloudWatch Logs is served on the same listener (awslogs output, PutLogEvents).
			// The SDKs and the AWS CLI read AWS_ENDPOINT_URL_CLOUDWATCH_LOGS (from the
			// service ID "CloudWatch Logs"); AWS_ENDPOINT_URL_LOGS is for scripts that use
			// the endpoint prefix, as the issue names it.
			fmt.Fprintf(out, "export AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=%s\n", u)
			fmt.Fprintf(out, "export AWS_ENDPOINT_URL_LOGS=%s\n", u)
			// ecsmini answers STS GetCallerIdentity on the same listener: the Terraform
			// provider and `aws sts get-caller-identity` learn the account from it.
			fmt.Fprintf(out, "export AWS_ENDPOINT_URL_STS=%s\n", u)
			// Application Auto Scaling (service ID "Application Auto Scaling"), same listener.
			fmt.Fprintf(out, "export AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING=%s\n", u)
			// CloudWatch alarms (service ID "CloudWatch"), same listener.
			fmt.Fprintf(out, "export AWS_ENDPOINT_URL_CLOUDWATCH=%s\n", u)
			fmt.Fprintf(out, "export ECSMINI_ENDPOINT=%s\n", u)
			fmt.Fprintf(out, "export AWS_REGION=%s\n", region)
			fmt.Fprintf(out, "export AWS_DEFAULT_REGION=%s\n", region)
			// Any credentials work: ecsmini accepts every signature. Real-looking dummy
			// keys keep SDKs from searching for a profile.
			fmt.Fprintln(out, "export AWS_ACCESS_KEY_ID=test")
			fmt.Fprintln(out, "export AWS_SECRET_ACCESS_KEY=test")
			return nil
		},
	}
	cmd.Flags().StringVar(&endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, $ECSMINI_LISTEN, then http://"+DefaultListen+")")
	return cmd
}
