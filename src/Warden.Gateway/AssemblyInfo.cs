namespace Warden.Gateway;
