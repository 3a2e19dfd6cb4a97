namespace Warden.ControlPlane;
