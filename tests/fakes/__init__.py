"""Local fakes of the external APIs kkini talks to, each speaking the real wire protocol on a loopback port."""
