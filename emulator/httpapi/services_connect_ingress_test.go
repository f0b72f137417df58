package httpapi_test

import (
	"net"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestServiceConnectIngressPortOverride: with ingressPortOverride the server tasks'
// proxy listens on that port of the task's address and forwards to the container port,
// and the clients' alias listener sends to it; tls is accepted and kept as given
// (DescribeServices shows it on the deployment), though traffic is not encrypted.
func TestServiceConnectIngressPortOverride(t *testing.T) {
	te := newTaskEnv(t)
	out := must[*sdkecs.CreateClusterOutput](t)(te.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("sc"),
		ServiceConnectDefaults: &types.ClusterServiceConnectDefaultsRequest{Namespace: aws.String("demo.local")}}))
	clusterARN := aws.ToString(out.Cluster.ClusterArn)
	app := cdef("app", 128, nil)
	app.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(8080), Name: aws.String("web"), AppProtocol: types.ApplicationProtocolHttp}}
	def := ec2Def("api", app)
	def.NetworkMode = types.NetworkModeAwsvpc
	api := te.sxRegister(t, def)
	tls := &types.ServiceConnectTlsConfiguration{
		IssuerCertificateAuthority: &types.ServiceConnectTlsCertificateAuthority{AwsPcaAuthorityArn: aws.String("arn:aws:acm-pca:us-east-1:000000000000:certificate-authority/ca-1")},
		KmsKey:                     aws.String("alias/sc"),
		RoleArn:                    aws.String("arn:aws:iam::000000000000:role/sc-tls"),
	}
	te.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("sc"), ServiceName: aws.String("api"), TaskDefinition: aws.String(api),
		DesiredCount: aws.Int32(2), NetworkConfiguration: awsvpcConfig("subnet-1"),
		ServiceConnectConfiguration: &types.ServiceConnectConfiguration{Enabled: true, Services: []types.ServiceConnectService{{
			PortName: aws.String("web"), IngressPortOverride: aws.Int32(15000), Tls: tls,
			ClientAliases: []types.ServiceConnectClientAlias{{Port: aws.Int32(80), DnsName: aws.String("api")}}}}}})
	te.settle(t)

	var ips []string
	for _, tk := range te.sxTasks(t, "sc", "api", types.DesiredStatusRunning) {
		for _, d := range tk.Attachments[0].Details {
			if aws.ToString(d.Name) == "privateIPv4Address" {
				ips = append(ips, aws.ToString(d.Value))
			}
		}
	}
	slices.Sort(ips)
	if len(ips) != 2 {
		t.Fatalf("api task addresses %v", ips)
	}
	tb := te.emu.Table(clusterARN)
	var alias []string
	ingress := map[string][]string{}
	for _, l := range tb.Proxies {
		switch {
		case l.Name == "api" && !l.Ingress:
			alias = l.Endpoints
		case l.Ingress:
			ingress[l.Addr] = l.Endpoints
		default:
			t.Errorf("unexpected listener %+v", l)
		}
	}
	var wantAlias []string
	wantIngress := map[string][]string{}
	for _, ip := range ips {
		wantAlias = append(wantAlias, net.JoinHostPort(ip, "15000"))
		wantIngress[net.JoinHostPort(ip, "15000")] = []string{net.JoinHostPort(ip, "8080")}
	}
	if !slices.Equal(alias, wantAlias) {
		t.Errorf("alias endpoints %v, want %v", alias, wantAlias)
	}
	if len(ingress) != len(wantIngress) {
		t.Fatalf("ingress listeners %v, want %v", ingress, wantIngress)
	}
	for addr, eps := range wantIngress {
		if !slices.Equal(ingress[addr], eps) {
			t.Errorf("ingress %s → %v, want %v", addr, ingress[addr], eps)
		}
	}

	ds := must[*sdkecs.DescribeServicesOutput](t)(te.ecs.DescribeServices(ctx(t), &sdkecs.DescribeServicesInput{Cluster: aws.String("sc"), Services: []string{"api"}}))
	dep := ds.Services[0].Deployments[0]
	if dep.ServiceConnectConfiguration == nil || len(dep.ServiceConnectConfiguration.Services) != 1 {
		t.Fatalf("deployment's serviceConnectConfiguration %+v", dep.ServiceConnectConfiguration)
	}
	got := dep.ServiceConnectConfiguration.Services[0]
	if aws.ToInt32(got.IngressPortOverride) != 15000 || got.Tls == nil || got.Tls.IssuerCertificateAuthority == nil ||
		aws.ToString(got.Tls.IssuerCertificateAuthority.AwsPcaAuthorityArn) != aws.ToString(tls.IssuerCertificateAuthority.AwsPcaAuthorityArn) ||
		aws.ToString(got.Tls.KmsKey) != "alias/sc" || aws.ToString(got.Tls.RoleArn) != aws.ToString(tls.RoleArn) {
		t.Errorf("stored service %+v, tls %+v", got, got.Tls)
	}
}
