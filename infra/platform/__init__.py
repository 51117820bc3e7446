"""The platform stack: network, security groups, Aurora PostgreSQL, ALB and ECS cluster of one environment."""
