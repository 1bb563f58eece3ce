package kurrentdb

import (
	"errors"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"
)

// kind is what the adapter does about an error from the client.
type kind int

const (
	// kindFatal: give up and return the error (refused credentials, access, a damaged stream).
	kindFatal kind = iota
	// kindTransient: the server or the network may recover; a subscription retries with backoff.
	kindTransient
	// kindWrongVersion: the log's revision was not the one expected: another process appended
	// first; decide again against the caught-up index.
	kindWrongVersion
	// kindNotFound: the stream does not exist (yet): an empty log.
	kindNotFound
)

// kindOfCode classifies a client error code.
func kindOfCode(code kurrentdb.ErrorCode) kind {
	switch code {
	case kurrentdb.ErrorCodeWrongExpectedVersion, kurrentdb.ErrorCodeStreamRevisionConflict:
		return kindWrongVersion
	case kurrentdb.ErrorCodeResourceNotFound:
		return kindNotFound
	case kurrentdb.ErrorCodeDeadlineExceeded, kurrentdb.ErrorUnavailable, kurrentdb.ErrorAborted,
		kurrentdb.ErrorCodeNotLeader, kurrentdb.ErrorCodeConnectionClosed, kurrentdb.ErrorCodeInternalServer,
		kurrentdb.ErrorCodeUnknown:
		return kindTransient
	default:
		// Unauthenticated, AccessDenied, StreamDeleted, StreamTombstoned, size limits, parsing,
		// unsupported features and the client's own bugs do not mend by waiting.
		return kindFatal
	}
}

// kindOf classifies an error met while talking to the server. A log this store cannot read is
// fatal; other errors that are not the client's (*kurrentdb.Error) are transient: the client
// returns gRPC and network errors unwrapped in places.
func kindOf(err error) kind {
	if errors.Is(err, errForeign) || errors.Is(err, errDamaged) {
		return kindFatal
	}
	var kerr *kurrentdb.Error
	if errors.As(err, &kerr) {
		return kindOfCode(kerr.Code())
	}
	return kindTransient
}
