package agent

import (
	"context"
	"fmt"
	"slices"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/discovery"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// provisionTaskNetwork gives the task a pause container on the cluster's task network,
// whose namespace every container of the task joins: its DNS server answers the
// cluster's names, its proxy serves the Service Connect aliases and the metadata
// endpoint, and it publishes the task's ports. An awsvpc task's address is its ENI's;
// a bridge-mode Service Connect task keeps its bridge port mappings (static or dynamic
// host ports, on its instance's loopback address) and its address is recorded with
// the store, for the other tasks' proxies. ready runs while the pause container starts.
func (r *runner) provisionTaskNetwork(ctx context.Context, td *ecs.TaskDefinition, ready func() error) error {
	rt := r.a.cfg.Runtime
	netName := clusterNetwork(r.info.StateDir, r.info.ClusterName)
	labels := map[string]string{LabelClusterARN: r.info.ClusterARN, LabelManaged: ManagedValue}
	if r.info.StateDir != "" {
		labels[LabelStateDir] = r.info.StateDir
	}
	ensure := func() error {
		// The network and the pause image are looked up side by side.
		imageErr := make(chan error, 1)
		go func() {
			_, err := rt.EnsureImage(ctx, r.a.cfg.PauseImage)
			imageErr <- err
		}()
		_, netErr := rt.EnsureNetwork(ctx, containers.NetworkSpec{Name: netName, Labels: labels})
		if err := <-imageErr; netErr == nil && err != nil {
			return fmt.Errorf("ResourceInitializationError: pause image %s unavailable (build it with 'ecsmini image build', or pass --pause-image): %w", r.a.cfg.PauseImage, err)
		}
		if netErr != nil {
			return fmt.Errorf("ResourceInitializationError: failed to create the task network: %w", netErr)
		}
		r.a.ensuredNetwork(netName)
		r.a.setWarm(netName, true)
		return nil
	}
	// A network and pause image this agent readied before are taken as still there
	// (the next task starts sooner); a create that finds either gone readies them again.
	warm := r.a.isWarm(netName)
	if !warm {
		if err := ensure(); err != nil {
			return err
		}
	}
	spec, err := r.pauseSpec(ctx, td, netName)
	if err != nil {
		return err
	}
	var st containers.State
	if r.bridgeSC {
		// Not from the pool: a bridge task's static host ports would be held by idle
		// pause containers.
		st, err = r.startColdPause(ctx, spec, warm, ensure, ready)
	} else {
		var pooled string
		st, pooled, err = r.startPause(ctx, spec, warm, ensure, ready)
		r.warm = &warmAfter{spec: spec, pooled: pooled,
			cluster: map[string]string{LabelCluster: r.info.ClusterName, LabelClusterARN: r.info.ClusterARN}}
	}
	if err != nil {
		return err
	}
	r.pauseSeen = &st // the first step's look
	ip := st.IPAddresses[netName]
	if r.bridgeSC {
		if err := r.a.cfg.Store.(ServiceConnectStore).SetTaskAddress(r.arn, ip); err != nil {
			return fmt.Errorf("recording the task's address: %w", err)
		}
		return nil
	}
	_, err = r.update(func(t *ecs.Task) error {
		for i := range t.Attachments {
			att := &t.Attachments[i]
			att.Status = "ATTACHED"
			att.Details = append(att.Details,
				ecs.KeyValuePair{Name: ecs.Ptr("networkInterfaceId"), Value: ecs.Ptr("eni-" + r.info.ID[:17])},
				ecs.KeyValuePair{Name: ecs.Ptr("macAddress"), Value: ecs.Ptr(macFor(r.info.ID))},
				ecs.KeyValuePair{Name: ecs.Ptr("privateIPv4Address"), Value: ecs.Ptr(ip)})
			for j := range t.Containers {
				t.Containers[j].NetworkInterfaces = []ecs.NetworkInterface{{AttachmentID: att.ID, PrivateIpv4Address: ip}}
			}
		}
		return nil
	})
	return err
}

// pauseSpec is the task's pause container on netName, publishing the ports of every
// container (a container that joins another's namespace cannot publish its own). A
// bridge-mode task's containers' hostname, extraHosts and dnsServers go on it too:
// Docker refuses them on a container that joins another's namespace, whose hosts file,
// resolv.conf and hostname it shares.
func (r *runner) pauseSpec(ctx context.Context, td *ecs.TaskDefinition, netName string) (containers.Spec, error) {
	cmd := []string{"workload"}
	if reach, err := r.reach(ctx, netName); err == nil && reach != "" {
		cmd = append(cmd, "--proxy", taskAgentPort+"="+reach)
		// The task's DNS server answers the cluster's service names and forwards the
		// rest to Docker's resolver, whose place it takes in the resolv.conf that
		// every container joining the namespace shares.
		cmd = append(cmd, "--dns", taskDNSAddr+"="+discovery.TableURL(reach, r.info.ClusterARN, containerPorts(td)...),
			"--dns-resolv-conf", "/etc/resolv.conf")
		r.base, r.loopback = "http://"+taskAgentPort, true
	} else if err != nil {
		r.a.cfg.Log.Error("metadata endpoint unreachable from the task network", "task", r.arn, "err", err)
	}
	spec := containers.Spec{Name: DockerName(r.info, "internalecspause"), Image: r.a.cfg.PauseImage,
		Labels: ContainerLabels(r.info, pauseContainerName, nil), Cmd: cmd,
		NetworkMode: netName}
	mode, hostIP := ecs.NetworkAwsvpc, r.a.cfg.HostIP
	if r.bridgeSC {
		mode, hostIP = ecs.NetworkBridge, r.publishIP()
	}
	for i := range td.ContainerDefinitions {
		cd := &td.ContainerDefinitions[i]
		ports, err := PortBindings(cd, mode, hostIP)
		if err != nil {
			return containers.Spec{}, fmt.Errorf("ResourceInitializationError: %w", err)
		}
		spec.Ports = append(spec.Ports, ports...)
		if spec.Hostname == "" {
			spec.Hostname = ecs.Deref(cd.Hostname)
		}
		for _, h := range cd.ExtraHosts {
			if e := h.Hostname + ":" + h.IPAddress; !slices.Contains(spec.ExtraHosts, e) {
				spec.ExtraHosts = append(spec.ExtraHosts, e)
			}
		}
		for _, d := range cd.DNSServers {
			if !slices.Contains(spec.DNS, d) {
				spec.DNS = append(spec.DNS, d)
			}
		}
	}
	return spec, nil
}
