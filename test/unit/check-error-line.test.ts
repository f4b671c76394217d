import assert from 'node:assert/strict';
import { clientErrorLine } from '../../src/check/error-line.js';

// Outputs as the clients print them (Debian bookworm's curl 7.88, GNU wget 1.21 with GnuTLS or OpenSSL, OpenSSL 3.0,
// Python 3.11; Alpine 3.20's BusyBox wget with ssl_client); the integration test
// check-reason.test.ts takes the same lines from real containers.
describe("the check's reason is the client's own error line", () => {
  it('curl: the "curl: (N)" line, not the advice printed after it', () => {
    const out =
      'curl: (60) SSL certificate problem: self-signed certificate in certificate chain\nMore details here: https://curl.se/docs/sslcerts.html\n\ncurl failed to verify the legitimacy of the server and therefore could not\nestablish a secure connection to it. To learn more about this situation and\nhow to fix it, please visit the web page mentioned above.\n';
    assert.equal(
      clientErrorLine('curl', out),
      'curl: (60) SSL certificate problem: self-signed certificate in certificate chain',
    );
  });

  it('GNU wget: the ERROR line with the reason on its indented continuation', () => {
    const out =
      "--2026-12-01 20:00:00--  https://127.0.0.1:4443/\nConnecting to 127.0.0.1:4443... connected.\nERROR: cannot verify 127.0.0.1's certificate, issued by 'CN=Root':\n  Unable to locally verify the issuer's authority.\nTo connect to 127.0.0.1 insecurely, use `--no-check-certificate'.\n";
    assert.equal(
      clientErrorLine('wget', out),
      "ERROR: cannot verify 127.0.0.1's certificate, issued by 'CN=Root': Unable to locally verify the issuer's authority.",
    );
    const gnutls =
      "--2026-12-01 19:44:34--  https://127.0.0.1:40271/\nConnecting to 127.0.0.1:40271... connected.\nERROR: The certificate of '127.0.0.1' is not trusted.\nERROR: The certificate of '127.0.0.1' doesn't have a known issuer.\n";
    assert.equal(
      clientErrorLine('wget', gnutls),
      "ERROR: The certificate of '127.0.0.1' is not trusted. ERROR: The certificate of '127.0.0.1' doesn't have a known issuer.",
    );
    assert.equal(
      clientErrorLine(
        'wget',
        '--2026--  https://127.0.0.1:9/\nConnecting to 127.0.0.1:9... failed: Connection refused.\n',
      ),
      'Connecting to 127.0.0.1:9... failed: Connection refused.',
    );
  });

  it("BusyBox wget: ssl_client's line before wget's own", () => {
    const out =
      'Connecting to 127.0.0.1:4443 (127.0.0.1:4443)\nssl_client: 127.0.0.1: certificate verification failed: unable to get local issuer certificate\nwget: error getting response: Connection reset by peer\n';
    assert.equal(
      clientErrorLine('wget', out),
      'ssl_client: 127.0.0.1: certificate verification failed: unable to get local issuer certificate',
    );
    assert.equal(
      clientErrorLine(
        'wget',
        "Connecting to 127.0.0.1:9 (127.0.0.1:9)\nwget: can't connect to remote host (127.0.0.1): Connection refused\n",
      ),
      "wget: can't connect to remote host (127.0.0.1): Connection refused",
    );
  });

  it('openssl s_client: the verify error, else the connect error', () => {
    const out =
      'verify error:num=19:self-signed certificate in certificate chain\n40F7D2B5D07F0000:error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed:../ssl/statem/statem_clnt.c:1889:\n';
    assert.equal(clientErrorLine('openssl', out), 'verify error:num=19:self-signed certificate in certificate chain');
    assert.equal(
      clientErrorLine(
        'openssl',
        '40F7:error:8000006F:system library:BIO_connect:Connection refused:../crypto/bio/bio_sock2.c:114:calling connect()\nconnect:errno=111\n',
      ),
      'connect:errno=111',
    );
  });

  it("python3: the exception's line (the last one)", () => {
    const out =
      'URLError: <urlopen error [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:992)>\n';
    assert.equal(clientErrorLine('python3', out), out.trim());
  });

  it('says "(no output)" rather than an empty reason', () => {
    assert.equal(clientErrorLine('curl', '\n\n'), '(no output)');
  });
});
