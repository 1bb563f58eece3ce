package kafka

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
)

// testPKI is a certificate authority with a broker certificate for 127.0.0.1 and a client
// certificate, the client's files written as PEM under dir.
type testPKI struct {
	pool                      *x509.CertPool
	broker                    tls.Certificate
	caFile, certFile, keyFile string
}

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	dir := t.TempDir()
	caKey := newKey(t)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "yardtwin test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	issue := func(serial int64, name string, usage x509.ExtKeyUsage) (tls.Certificate, []byte, []byte) {
		key := newKey(t)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		keyDER, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
		keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			t.Fatal(err)
		}
		return pair, certPEM, keyPEM
	}
	p := testPKI{pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	p.broker, _, _ = issue(2, "broker", x509.ExtKeyUsageServerAuth)
	_, clientCert, clientKey := issue(3, "twin", x509.ExtKeyUsageClientAuth)
	p.caFile, p.certFile, p.keyFile = filepath.Join(dir, "ca.pem"), filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	for file, data := range map[string][]byte{
		p.caFile:   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		p.certFile: clientCert,
		p.keyFile:  clientKey,
	} {
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// reachable asks the brokers for metadata through sec and returns the error.
func reachable(brokers []string, sec Security) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tr := sec.Transport()
	defer tr.CloseIdleConnections()
	_, err := (&kafkago.Client{Addr: kafkago.TCP(brokers...), Transport: tr}).Metadata(ctx, &kafkago.MetadataRequest{})
	return err
}

// roundTrip publishes a message through sec and reads it back with a consumer group.
func roundTrip(t *testing.T, brokers []string, sec Security) {
	t.Helper()
	tr := sec.Transport()
	defer tr.CloseIdleConnections()
	pcfg := testPublisherConfig(brokers)
	pcfg.Transport = tr
	pub, err := NewPublisher(pcfg, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	scfg := testSubscriberConfig(brokers, "secure")
	scfg.Dialer = sec.Dialer()
	sub, err := NewSubscriber(scfg, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	topic := newTopic("secure")
	if err := sub.SubscribeInitialize(topic); err != nil {
		t.Fatalf("create topic: %v", err)
	}
	msg := message.NewMessage("m-1", []byte(`{"id":"m-1"}`))
	msg.Metadata.Set(KeyMetadata, "block-A01")
	if err := pub.Publish(topic, msg); err != nil {
		t.Fatalf("publish: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := sub.Subscribe(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	if got := receive(t, ch, 1, 30*time.Second); string(got[0].Payload) != `{"id":"m-1"}` {
		t.Fatalf("received %s", got[0].Payload)
	}
}

// TestMutualTLS runs a broker that wants TLS with a client certificate signed by its CA: the
// twin's files get through, and a plain or certificate-less client is turned away.
func TestMutualTLS(t *testing.T) {
	pki := newTestPKI(t)
	brokers := startCluster(t, 2, kfake.TLS(&tls.Config{
		Certificates: []tls.Certificate{pki.broker},
		ClientCAs:    pki.pool,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS12,
	}))
	withCert, err := TLSFiles{CAFile: pki.caFile, CertFile: pki.certFile, KeyFile: pki.keyFile}.Config()
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, brokers, Security{TLS: withCert})

	if err := reachable(brokers, Security{}); err == nil {
		t.Error("a plain-TCP client reached a TLS broker")
	}
	noCert, err := TLSFiles{CAFile: pki.caFile}.Config()
	if err != nil {
		t.Fatal(err)
	}
	if err := reachable(brokers, Security{TLS: noCert}); err == nil {
		t.Error("a client without a certificate reached a broker that requires one")
	}
	systemRoots, _ := TLSFiles{CertFile: pki.certFile, KeyFile: pki.keyFile}.Config()
	if err := reachable(brokers, Security{TLS: systemRoots}); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("a client that does not trust the broker's CA: %v, want a certificate error", err)
	}
}

func TestSASL(t *testing.T) {
	tests := []struct {
		mechanism string
	}{
		{mechanism: SASLPlain},
		{mechanism: SASLScramSHA256},
		{mechanism: SASLScramSHA512},
	}
	for _, tt := range tests {
		t.Run(tt.mechanism, func(t *testing.T) {
			brokers := startCluster(t, 2, kfake.EnableSASL(), kfake.Superuser(tt.mechanism, "twin", "s3cret-yard"))
			right, err := NewSASL(tt.mechanism, "twin", "s3cret-yard")
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, brokers, Security{SASL: right})

			wrong, _ := NewSASL(tt.mechanism, "twin", "not-the-password")
			if err := reachable(brokers, Security{SASL: wrong}); err == nil {
				t.Error("a wrong password was let in")
			}
			if err := reachable(brokers, Security{}); err == nil {
				t.Error("a client without SASL was let in")
			}
		})
	}
}

// TestSASLOverTLS combines both, as a managed Kafka usually asks.
func TestSASLOverTLS(t *testing.T) {
	pki := newTestPKI(t)
	brokers := startCluster(t, 1,
		kfake.TLS(&tls.Config{Certificates: []tls.Certificate{pki.broker}, MinVersion: tls.VersionTLS12}),
		kfake.EnableSASL(), kfake.Superuser(SASLScramSHA512, "twin", "s3cret-yard"))
	tlsCfg, err := TLSFiles{CAFile: pki.caFile}.Config()
	if err != nil {
		t.Fatal(err)
	}
	mech, err := NewSASL("scram-sha-512", "twin", "s3cret-yard")
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, brokers, Security{TLS: tlsCfg, SASL: mech})
}

func TestSecurityConfigErrors(t *testing.T) {
	pki := newTestPKI(t)
	tests := []struct {
		name    string
		give    func() error
		wantErr string
	}{
		{name: "unknown mechanism", give: func() error { _, err := NewSASL("GSSAPI", "u", "p"); return err }, wantErr: `kafka: sasl: "GSSAPI" is not PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512`},
		{name: "no password", give: func() error { _, err := NewSASL("PLAIN", "u", ""); return err }, wantErr: "kafka: sasl PLAIN: a user name and a password are needed"},
		{name: "missing CA file", give: func() error { _, err := TLSFiles{CAFile: filepath.Join(t.TempDir(), "none.pem")}.Config(); return err }, wantErr: "kafka: tls ca:"},
		{name: "CA file without PEM", give: func() error { _, err := TLSFiles{CAFile: pki.keyFile + ".txt"}.Config(); return err }, wantErr: "kafka: tls ca:"},
		{name: "certificate without key", give: func() error { _, err := TLSFiles{CertFile: pki.certFile}.Config(); return err }, wantErr: "kafka: tls client certificate: a key file is needed"},
		{name: "key without certificate", give: func() error { _, err := TLSFiles{KeyFile: pki.keyFile}.Config(); return err }, wantErr: "kafka: tls client certificate: a certificate file is needed"},
		{name: "key that is not the certificate's", give: func() error { _, err := TLSFiles{CertFile: pki.certFile, KeyFile: pki.caFile}.Config(); return err }, wantErr: "kafka: tls client certificate:"},
	}
	if err := os.WriteFile(pki.keyFile+".txt", []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkErr(t, tt.give(), tt.wantErr) })
	}
	cfg, err := TLSFiles{}.Config()
	if err != nil || cfg.InsecureSkipVerify || cfg.MinVersion != tls.VersionTLS12 {
		t.Fatalf("default TLS config = %+v, %v: want verification on and TLS 1.2 at least", cfg, err)
	}
}
