package taskdef

import "fmt"

// ECS's RegisterTaskDefinition error texts. Confidence per text:
//
//	V = seen verbatim in real ECS output (CLI/SDK/CloudFormation logs);
//	P = quoted by third-party linters or emulators that test against ECS;
//	G = our guess, following the phrasing ECS uses for its neighbours.
//
// Keep them here so that a corrected text is a one-line change.
const (
	msgFamilyBlank          = "Family can not be blank."                                                                                                    // V
	msgFamilyInvalid        = "Family contains invalid characters."                                                                                         // V
	msgFamilyTooLong        = "Family can not be longer than 255 characters."                                                                               // G
	msgContainersEmpty      = "Container list cannot be empty."                                                                                             // V
	msgTooManyContainers    = "Too many containers."                                                                                                        // V
	msgNameBlank            = "Container.name should not be null or empty."                                                                                 // V
	msgNameInvalid          = "Container.name contains invalid characters."                                                                                 // V (also used for >255, G)
	msgNamesNotUnique       = "Container names must be unique within a Task Definition."                                                                    // V
	msgImageBlank           = "Container.image should not be null or empty."                                                                                // V
	msgImageTooLong         = "Container.image should not be longer than 255 characters."                                                                   // G
	msgNoEssential          = "Task definition doesn't have any essential container."                                                                       // V
	msgFargateNetwork       = "Fargate only supports network mode ‘awsvpc’."                                                                                // V (typographic quotes)
	msgFargateNeedsCPU      = "Fargate requires that 'cpu' be defined at the task level."                                                                   // V
	msgFargateNeedsMemory   = "Fargate requires that 'memory' be defined at the task level."                                                                // V
	msgFargateIpcMode       = "Tasks using the Fargate launch type do not support ipcMode."                                                                 // V
	msgFargatePidMode       = "Tasks using the Fargate launch type do not support pidMode '%s'. The supported value for pidMode is 'task'."                 // P
	msgFargateExecLogs      = "Fargate requires task definition to have execution role ARN to support log driver awslogs."                                  // V
	msgFargateExecECR       = "Fargate requires task definition to have execution role ARN to support ECR images."                                          // V
	msgInvalidTaskCPU       = "Invalid 'cpu' setting for task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."    // V
	msgInvalidTaskMemory    = "Invalid 'memory' setting for task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide." // G (cpu counterpart)
	msgFargateCombo         = "No Fargate configuration exists for given values: %d CPU, %d memory. See the Amazon ECS documentation for the valid values." // V (via CloudFormation)
	msgTooLarge             = "Actual length: '%d'. Max allowed length is '65536' bytes."                                                                   // V
	msgSumReservation       = "The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'."                  // V
	msgSumMemory            = "The sum of all container 'memory' values cannot be greater than the value of the task 'memory'."                             // G
	msgSumCPU               = "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'."                                   // G
	msgContainerMemory      = "The 'memory' setting for container '%s' is greater than for the task"                                                        // P
	msgEphemeralMin         = "EphemeralStorage size should be at least 21"                                                                                 // P
	msgEphemeralMax         = "EphemeralStorage size should be at most 200"                                                                                 // G
	msgEphemeralEC2         = "Tasks using the EC2 launch type do not support EphemeralStorage"                                                             // P
	msgDependMissing        = "Cannot depend on container + '%s' because it does not exist"                                                                 // V (sic)
	msgDependEssential      = "A dependency container with SUCCESS or COMPLETE condition cannot be an essential container"                                  // V
	msgDependHealthy        = "A dependency container with HEALTHY condition must have health check configured"                                             // P
	msgUnknownVolume        = "Unknown volume '%s'."                                                                                                        // P
	msgAwsvpcPorts          = "When networkMode=awsvpc, the host ports and container ports in port mappings must match."                                    // V
	msgHostPorts            = "When networkMode=host, the host ports and container ports in port mappings must match."                                      // P
	msgContainerPort        = "Invalid 'containerPort' setting for container '%s'."                                                                         // V
	msgMemoryRequired       = "Invalid setting for container '%s'. At least one of 'memory' or 'memoryReservation' must be specified."                      // V
	msgMemoryVsReserve      = "Invalid setting for container '%s'. 'memory' must be greater than or equal to 'memoryReservation'."                          // P (without the prefix)
	msgExternalAwsvpc       = "Tasks using the EXTERNAL launch type do not support network mode ‘awsvpc’."                                                  // G
	msgVolumeNameBlank      = "Volume.name should not be null or empty."                                                                                    // G
	msgVolumeNameInvalid    = "Volume.name contains invalid characters."                                                                                    // G
	msgVolumeNamesNotUnique = "Volume names must be unique within a Task Definition."                                                                       // G
	msgTooManyConstraints   = "Too many placement constraints."                                                                                             // G
	msgImageNoRepository    = "Container.image repository should not be null or empty."                                                                     // V
	msgPortNameUsed         = "port mapping name is already used"                                                                                           // P
	msgUlimitSoftHard       = "Soft limit exceeds hard limit for ulimit %s"                                                                                 // P
)

// fargateUnsupported is ECS's text for a field Fargate rejects (P: seen for sourcePath,
// devices, sharedMemorySize, maxSwap, dockerSecurityOptions, dockerVolumeConfiguration,
// constraints; G for the other fields, which follow the same pattern).
func fargateUnsupported(field string) string {
	return "Fargate compatible task definitions do not support " + field
}

// awsvpcUnsupported is ECS's text for a container field that awsvpc mode rejects (V for
// hostname; extraHosts seen as "Extra hosts are not supported on container when
// networkMode=awsvpc"; G for the rest).
func awsvpcUnsupported(what string) string {
	return what + " not supported on container when networkMode=awsvpc."
}

// containerInvalid is the "Invalid setting for container" family ECS uses for
// per-container problems (V for the memory case; G for the others).
func containerInvalid(name, format string, args ...any) string {
	return fmt.Sprintf("Invalid setting for container '%s'. ", name) + fmt.Sprintf(format, args...)
}

// invalidValue is our text for an enum value outside the API model (G).
func invalidValue(field, value string, valid ...string) string {
	return fmt.Sprintf("Invalid %s '%s'. Valid values are %s.", field, value, joinOr(valid))
}

func joinOr(vs []string) string {
	out := ""
	for i, v := range vs {
		switch {
		case i == 0:
		case i == len(vs)-1:
			out += " and "
		default:
			out += ", "
		}
		out += v
	}
	return out
}
