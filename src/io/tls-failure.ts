/** A one-line reason for a failed TLS handshake, from OpenSSL's error code. */
export function tlsFailure(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ERR_SSL_BINDER_DOES_NOT_VERIFY':
    case 'ERR_SSL_SSLV3_ALERT_ILLEGAL_PARAMETER':
    case 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC':
      return 'it uses a different room secret';
    case 'ERR_TLS_HANDSHAKE_TIMEOUT':
      return 'no TLS handshake in time';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'it hung up during the TLS handshake (an open room, or a different secret)';
    default:
      return error.code?.startsWith('ERR_SSL') === true
        ? 'it did not start a TLS handshake: it does not use a room secret'
        : error.message;
  }
}
