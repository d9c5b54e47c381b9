create table orders (id varchar(64) primary key, status varchar(16) not null);
