#include "ipc/answer_line.hpp"

#include "rasbroker/protocol/errors.hpp"
#include "rasbroker/protocol/framing.hpp"
#include "rasbroker/protocol/jsonrpc.hpp"

namespace rasbroker::ipc {

namespace {

nlohmann::json too_large_data(std::size_t bytes, std::size_t max) {
  return {{"answer_bytes", bytes}, {"max_answer_bytes", max}};
}

}  // namespace

void AnswerLine::add(const nlohmann::json& response) {
  // encode_line(): compact JSON plus '\n'; a batch is the same text with '[' ',' ']'.
  std::string encoded = protocol::encode_line(response);
  encoded.pop_back();
  add_encoded(std::move(encoded), response.contains("id") ? response["id"] : nlohmann::json(nullptr));
}

void AnswerLine::add(const RawResult& response) {
  // make_result()'s object as dump() writes it: keys sorted, so "id", "jsonrpc", "result".
  std::string id = protocol::encode_line(response.id);
  id.pop_back();
  std::string encoded;
  // Room for the envelope and take()'s '\n' too: megabytes are copied once, never regrown.
  encoded.reserve(response.result.text.size() + id.size() + 64);
  encoded += "{\"id\":";
  encoded += id;
  encoded += ",\"jsonrpc\":\"2.0\",\"result\":";
  encoded += response.result.text;
  encoded += '}';
  add_encoded(std::move(encoded), response.id);
}

void AnswerLine::add(const Response& response) {
  std::visit([this](const auto& r) { add(r); }, response);
}

void AnswerLine::add_encoded(std::string encoded, const nlohmann::json& id) {
  ++answers_;
  if (!batch_) {
    full_bytes_ = encoded.size();
    if (full_bytes_ <= max_bytes_) {
      text_ = std::move(encoded);
      return;
    }
    replaced_ = true;
    text_ = protocol::encode_line(protocol::make_error(
        id,
        protocol::RpcError(protocol::ErrorCode::response_too_large,
                           "the answer would be " + std::to_string(full_bytes_) + " bytes, over the " +
                               std::to_string(max_bytes_) + "-byte limit of an answer line; the call did run",
                           too_large_data(full_bytes_, max_bytes_))));
    text_.pop_back();
    return;
  }
  full_bytes_ += encoded.size() + 1;  // '[' or ','
  if (full_bytes_ + 1 > max_bytes_) {  // + the closing ']'
    replaced_ = true;
    std::string().swap(text_);  // stop accumulating: only the size is counted from now on
    return;
  }
  text_ += answers_ == 1 ? '[' : ',';
  text_ += encoded;
}

std::string AnswerLine::take() {
  if (answers_ == 0) return {};
  std::string line = std::move(text_);
  if (batch_ && replaced_) {
    // One error for the whole batch, id null: no single call's id stands for it. Every
    // call ran (their effects are real), so the message says so and how big it was.
    line = protocol::encode_line(protocol::make_error(
        nullptr, protocol::RpcError(protocol::ErrorCode::response_too_large,
                                    "the answers to this batch (" + std::to_string(answers_) + ") would be " +
                                        std::to_string(full_bytes_ + 1) + " bytes, over the " +
                                        std::to_string(max_bytes_) +
                                        "-byte limit of an answer line; every call in it did run: send fewer "
                                        "calls per batch",
                                    too_large_data(full_bytes_ + 1, max_bytes_))));
  } else {
    if (batch_) line += ']';
    line += '\n';
  }
  text_.clear();
  answers_ = 0;
  full_bytes_ = 0;
  replaced_ = false;
  return line;
}

}  // namespace rasbroker::ipc
