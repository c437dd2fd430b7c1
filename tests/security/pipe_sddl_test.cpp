// The pipe's security policy as SDDL (portable: runs natively and under Wine).
#include <gtest/gtest.h>

#include <stdexcept>

#include "security/pipe_sddl.hpp"

using namespace rasbroker::security;

TEST(PipeSddl, BasePolicyWithoutGroups) {
  EXPECT_EQ(pipe_sddl({}), "D:P(D;;FA;;;NU)(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x12019b;;;NO)");
}

TEST(PipeSddl, DeniesNetworkFirstAndIsProtected) {
  const auto sddl = pipe_sddl({});
  EXPECT_EQ(sddl.rfind("D:P(D;;FA;;;NU)", 0), 0u) << "protected DACL, deny ACE first (canonical order)";
  EXPECT_EQ(sddl.find("WD"), std::string::npos) << "Everyone must not appear";
  EXPECT_EQ(sddl.find("GA"), std::string::npos) << "specific rights only";
}

TEST(PipeSddl, ClientRightsExcludeCreatingPipeInstances) {
  constexpr unsigned long kFileCreatePipeInstance = 0x4;  // == FILE_APPEND_DATA
  constexpr unsigned long kFileGenericRead = 0x120089, kFileGenericWrite = 0x120116;
  const unsigned long rights = std::stoul(std::string(kPipeClientRights), nullptr, 16);
  EXPECT_EQ(rights & kFileCreatePipeInstance, 0u);
  EXPECT_EQ(rights, (kFileGenericRead | kFileGenericWrite) & ~kFileCreatePipeInstance);
}

TEST(PipeSddl, AllowedGroupsGetReadWriteInOrder) {
  EXPECT_EQ(pipe_sddl({"S-1-5-32-545", "S-1-5-21-1-2-3-1001"}),
            "D:P(D;;FA;;;NU)(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x12019b;;;NO)"
            "(A;;0x12019b;;;S-1-5-32-545)(A;;0x12019b;;;S-1-5-21-1-2-3-1001)");
}

TEST(PipeSddl, DuplicatesAndNetworkConfigurationOperatorsAreLeftOut) {
  EXPECT_EQ(pipe_sddl({"S-1-5-32-545", "s-1-5-32-545", "S-1-5-32-556"}),
            "D:P(D;;FA;;;NU)(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x12019b;;;NO)(A;;0x12019b;;;S-1-5-32-545)");
}

TEST(PipeSddl, RefusesAnythingButStringSids) {
  EXPECT_THROW(pipe_sddl({"Users"}), std::invalid_argument);
  EXPECT_THROW(pipe_sddl({"S-1-5-32-545)(A;;FA;;;WD"}), std::invalid_argument);  // injection
  EXPECT_THROW(pipe_sddl({""}), std::invalid_argument);
}

TEST(PipeSddl, RecognisesStringSids) {
  EXPECT_TRUE(is_sid_string("S-1-5-18"));
  EXPECT_TRUE(is_sid_string("S-1-5-21-3623811015-3361044348-30300820-1013"));
  EXPECT_FALSE(is_sid_string("S-1-5"));          // no sub-authority
  EXPECT_FALSE(is_sid_string("S-2-5-18"));       // revision 1 only
  EXPECT_FALSE(is_sid_string("S-1-5-18-"));      // empty part
  EXPECT_FALSE(is_sid_string("S-1-5-x"));
  EXPECT_FALSE(is_sid_string("S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16"));  // > 15 sub-authorities
}
