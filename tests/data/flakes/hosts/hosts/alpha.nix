{ ... }:
{
  users.users.alice.isNormalUser = true;
}
