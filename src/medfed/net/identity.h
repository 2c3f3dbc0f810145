// A party's identity directory, as `medfed ca issue` writes it: ca.crt (the network's CA),
// identity.crt and identity.key (mode 0600). From it: gRPC mutual-TLS credentials, a signer,
// and on the server side the certified name and role of whoever is calling.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "medfed/core/status.h"
#include "medfed/crypto/certificates.h"

namespace medfed::net {

struct NetworkIdentity {
  std::string directory;
  std::string authority_pem;
  std::string certificate_pem;
  crypto::PrivateKeyPem key;
  crypto::CertifiedParty party;
};

// Reads and checks the directory: the certificate must be this network's, for `role`, and the
// private key readable by its owner only.
StatusOr<NetworkIdentity> LoadIdentity(const std::string& directory, crypto::PartyRole role);

// Server credentials that require and verify a client certificate from the same CA.
std::shared_ptr<grpc::ServerCredentials> MutualTlsServerCredentials(const NetworkIdentity& identity);
std::shared_ptr<grpc::ChannelCredentials> MutualTlsChannelCredentials(const NetworkIdentity& identity);
// Channel arguments shared by the daemons and clients: message size limits and keepalive.
grpc::ChannelArguments ChannelArgumentsFor(size_t max_message_bytes);

struct Caller {
  crypto::CertifiedParty party;
  std::string certificate_pem;
};
// The certified caller of a server call (from the TLS handshake, never from a message).
StatusOr<Caller> CallerOf(const grpc::ServerContext& context, const std::string& authority_pem);

}  // namespace medfed::net
