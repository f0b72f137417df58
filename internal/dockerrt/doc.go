// Package dockerrt is ecsmini's adapter to the Docker Engine API, and the only package
// that imports the Docker client. It finds the engine the way the docker CLI does
// (DOCKER_HOST, else the current Docker context, else the default socket) and
// negotiates the API version, so any reasonably recent engine works.
package dockerrt
