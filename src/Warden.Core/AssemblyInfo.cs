namespace Warden.Core;
