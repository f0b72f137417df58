package ecs

import (
	"errors"
	"fmt"
)

// Exception names as ECS returns them in the "__type" field of an error response.
const (
	CodeAccessDenied                      = "AccessDeniedException"
	CodeClient                            = "ClientException"
	CodeClusterContainsContainerInstances = "ClusterContainsContainerInstancesException"
	CodeClusterContainsServices           = "ClusterContainsServicesException"
	CodeClusterContainsTasks              = "ClusterContainsTasksException"
	CodeClusterNotFound                   = "ClusterNotFoundException"
	CodeInvalidParameter                  = "InvalidParameterException"
	CodeLimitExceeded                     = "LimitExceededException"
	CodeResourceInUse                     = "ResourceInUseException"
	CodeResourceNotFound                  = "ResourceNotFoundException"
	CodeSerialization                     = "SerializationException"
	CodeServer                            = "ServerException"
	CodeServiceNotActive                  = "ServiceNotActiveException"
	CodeServiceNotFound                   = "ServiceNotFoundException"
	CodeUnknownOperation                  = "UnknownOperationException"
	CodeUpdateInProgress                  = "UpdateInProgressException"
)

// Error is an ECS API error: the exception name a client sees and ECS's message.
// Library code returns *Error for everything a client caused; anything else that reaches
// the HTTP layer is an internal fault and becomes a ServerException.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf builds an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ClientError is the generic ECS client fault (ClientException).
func ClientError(format string, args ...any) *Error { return Errorf(CodeClient, format, args...) }

// InvalidParameter is ECS's InvalidParameterException.
func InvalidParameter(format string, args ...any) *Error {
	return Errorf(CodeInvalidParameter, format, args...)
}

// ClusterNotFound is the error every cluster-scoped operation gives for an unknown cluster.
func ClusterNotFound() *Error { return Errorf(CodeClusterNotFound, "Cluster not found.") }

// AsError reports whether err is (or wraps) an *Error and returns it.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}
