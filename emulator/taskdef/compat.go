package taskdef

import (
	"sort"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// compatibilities computes the launch types the definition can run on, in the order ECS
// lists them ("EXTERNAL", "EC2" for a bridge definition; "EC2", "FARGATE" for an awsvpc
// one):
//   - EXTERNAL (ECS Anywhere) whenever the network mode is not awsvpc, which it lacks;
//   - EC2 always: EC2 supports every network mode and parameter we validate;
//   - FARGATE when the definition breaks no Fargate rule (awsvpc, a valid task size, no
//     Fargate-unsupported field), whether or not FARGATE was required;
//   - MANAGED_INSTANCES only when requested, as we do not model its rules.
func (c *checker) compatibilities() []string {
	var out []string
	if c.mode != ecs.NetworkAwsvpc {
		out = append(out, ecs.LaunchExternal)
	}
	out = append(out, ecs.LaunchEC2)
	if len(c.fargateIssues) == 0 {
		out = append(out, ecs.LaunchFargate)
	}
	if c.requires["MANAGED_INSTANCES"] {
		out = append(out, "MANAGED_INSTANCES")
	}
	return out
}

// Container-instance capabilities a definition needs, as the ECS agent advertises them.
const (
	attrDockerAPI    = "com.amazonaws.ecs.capability.docker-remote-api."
	attrLogDriver    = "com.amazonaws.ecs.capability.logging-driver."
	attrTaskRole     = "com.amazonaws.ecs.capability.task-iam-role"
	attrECRAuth      = "com.amazonaws.ecs.capability.ecr-auth"
	attrPrivileged   = "com.amazonaws.ecs.capability.privileged-container"
	attrPrivateReg   = "com.amazonaws.ecs.capability.private-registry-authentication.secretsmanager"
	attrTaskENI      = "ecs.capability.task-eni"
	attrHealthCheck  = "ecs.capability.container-health-check"
	attrOrdering     = "ecs.capability.container-ordering"
	attrExecLogs     = "ecs.capability.execution-role-awslogs"
	attrExecECR      = "ecs.capability.execution-role-ecr-pull"
	attrSecretsSSM   = "ecs.capability.secrets.ssm.environment-variables"
	attrSecretsASM   = "ecs.capability.secrets.asm.environment-variables"
	attrEnvFiles     = "ecs.capability.env-files.s3"
	attrFirelens     = "ecs.capability.firelens."
	attrEFS          = "ecs.capability.efs"
	attrBaselineAPI  = attrDockerAPI + "1.18"
	attrLogAPI       = attrDockerAPI + "1.19"
	attrReserveAPI   = attrDockerAPI + "1.21"
	attrHealthAPI    = attrDockerAPI + "1.24"
	attrInitAPI      = attrDockerAPI + "1.25"
	secretsMgrMarker = ":secretsmanager:"
)

// requiresAttributes lists the agent capabilities the definition depends on, sorted by
// name so the result is deterministic. It drives EC2 placement, not validation.
func (c *checker) requiresAttributes() []ecs.Attribute {
	in := c.in
	set := map[string]bool{attrBaselineAPI: true}
	hasExec := ecs.Deref(in.ExecutionRoleArn) != ""
	if ecs.Deref(in.TaskRoleArn) != "" {
		set[attrTaskRole] = true
	}
	if c.mode == ecs.NetworkAwsvpc {
		set[attrTaskENI] = true
	}
	for _, v := range in.Volumes {
		if v.EfsVolumeConfiguration != nil {
			set[attrEFS] = true
		}
	}
	for _, cd := range in.ContainerDefinitions {
		if lc := cd.LogConfiguration; lc != nil {
			set[attrLogAPI] = true
			set[attrLogDriver+lc.LogDriver] = true
			if lc.LogDriver == "awslogs" && hasExec {
				set[attrExecLogs] = true
			}
		}
		if cd.MemoryReservation != nil {
			set[attrReserveAPI] = true
		}
		if cd.HealthCheck != nil {
			set[attrHealthCheck] = true
			set[attrHealthAPI] = true
		}
		if len(cd.DependsOn) > 0 {
			set[attrOrdering] = true
		}
		if isECRImage(ecs.Deref(cd.Image)) {
			set[attrECRAuth] = true
			if hasExec {
				set[attrExecECR] = true
			}
		}
		if ecs.Deref(cd.Privileged) {
			set[attrPrivileged] = true
		}
		if cd.RepositoryCredentials != nil {
			set[attrPrivateReg] = true
		}
		for _, s := range cd.Secrets {
			if strings.Contains(s.ValueFrom, secretsMgrMarker) {
				set[attrSecretsASM] = true
			} else {
				set[attrSecretsSSM] = true
			}
		}
		if len(cd.EnvironmentFiles) > 0 {
			set[attrEnvFiles] = true
		}
		if fc := cd.FirelensConfiguration; fc != nil && fc.Type != "" {
			set[attrFirelens+fc.Type] = true
		}
		if lp := cd.LinuxParameters; lp != nil && ecs.Deref(lp.InitProcessEnabled) {
			set[attrInitAPI] = true
		}
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]ecs.Attribute, len(names))
	for i, n := range names {
		out[i] = ecs.Attribute{Name: n}
	}
	return out
}
