package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
)

// Security is how the twin reaches brokers that want TLS, SASL or both. The zero value is plain TCP
// without authentication.
type Security struct {
	// TLS, when set, encrypts every connection (see TLSFiles.Config).
	TLS *tls.Config
	// SASL, when set, authenticates every connection (see NewSASL).
	SASL sasl.Mechanism
}

// DialTimeout is how long a connection to a broker may take to open, TLS and SASL included.
const DialTimeout = 10 * time.Second

// Dialer is a kafka-go Dialer with s, for SubscriberConfig.Dialer.
func (s Security) Dialer() *kafkago.Dialer {
	return &kafkago.Dialer{Timeout: DialTimeout, DualStack: true, TLS: s.TLS, SASLMechanism: s.SASL}
}

// Transport is a kafka-go Transport with s, for PublisherConfig.Transport. The caller closes its idle
// connections (CloseIdleConnections) when done with it.
func (s Security) Transport() *kafkago.Transport {
	return &kafkago.Transport{DialTimeout: DialTimeout, TLS: s.TLS, SASL: s.SASL}
}

// TLSFiles names the PEM files of a TLS client. All are optional: an empty CAFile trusts the
// system's roots; CertFile and KeyFile, given together, present a client certificate (mutual TLS).
type TLSFiles struct {
	CAFile   string
	CertFile string
	KeyFile  string
	// ServerName overrides the name the brokers' certificates are checked against; empty uses the
	// host of each broker address.
	ServerName string
	// InsecureSkipVerify accepts any broker certificate. For tests against a throw-away broker
	// only: it makes the connection open to anyone in the middle.
	InsecureSkipVerify bool
}

// Config reads the files into a TLS client configuration (TLS 1.2 at least).
func (f TLSFiles) Config() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: f.ServerName, InsecureSkipVerify: f.InsecureSkipVerify} //nolint:gosec // off unless asked for
	if f.CAFile != "" {
		pem, err := os.ReadFile(f.CAFile)
		if err != nil {
			return nil, fmt.Errorf("kafka: tls ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("kafka: tls ca: %s holds no PEM certificate", f.CAFile)
		}
		cfg.RootCAs = pool
	}
	switch {
	case f.CertFile != "" && f.KeyFile != "":
		cert, err := tls.LoadX509KeyPair(f.CertFile, f.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("kafka: tls client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	case f.CertFile != "":
		return nil, errors.New("kafka: tls client certificate: a key file is needed with the certificate file")
	case f.KeyFile != "":
		return nil, errors.New("kafka: tls client certificate: a certificate file is needed with the key file")
	}
	return cfg, nil
}

// The SASL mechanisms NewSASL knows, as Kafka names them.
const (
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// NewSASL returns the SASL mechanism named (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, any case) with
// the user's credentials. PLAIN sends the password as it is: use it only over TLS.
func NewSASL(mechanism, user, password string) (sasl.Mechanism, error) {
	if user == "" || password == "" {
		return nil, fmt.Errorf("kafka: sasl %s: a user name and a password are needed", mechanism)
	}
	switch strings.ToUpper(mechanism) {
	case SASLPlain:
		return plain.Mechanism{Username: user, Password: password}, nil
	case SASLScramSHA256:
		m, err := scram.Mechanism(scram.SHA256, user, password)
		if err != nil {
			return nil, fmt.Errorf("kafka: sasl %s: %w", mechanism, err)
		}
		return m, nil
	case SASLScramSHA512:
		m, err := scram.Mechanism(scram.SHA512, user, password)
		if err != nil {
			return nil, fmt.Errorf("kafka: sasl %s: %w", mechanism, err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("kafka: sasl: %q is not PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", mechanism)
}
