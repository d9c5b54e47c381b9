create table if not exists orders (
  id varchar(36) primary key,
  amount bigint not null,
  status varchar(16) not null,
  created_at timestamp with time zone not null,
  pay_before timestamp with time zone not null
);
